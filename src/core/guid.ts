/** .NET Guid.Parse's usual forms: D (hyphens), N (32 digits), B ({D}) and P ((D)). */
const GUID = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/i;

/**
 * A GUID in its canonical D form, lower-case, as .NET's Guid.ToString() writes it; undefined when the text is not
 * a GUID. VSP (a .NET service) carries its account, contact, tenant and group keys as GUIDs.
 */
export function canonicalGuid(text: string): string | undefined {
  let inner = text.trim();
  if ((inner.startsWith('{') && inner.endsWith('}')) || (inner.startsWith('(') && inner.endsWith(')'))) inner = inner.slice(1, -1);
  // Hyphens are all or nothing: D has four, N none.
  if (inner.length !== 36 && inner.length !== 32) return undefined;
  const m = GUID.exec(inner);
  return m ? m.slice(1, 6).join('-').toLowerCase() : undefined;
}
