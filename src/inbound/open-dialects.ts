import { inboundRegistry, type InboundConfigs } from './registry';

/**
 * How each dialect is left open, or undefined when it requires credentials. Read from the config alone, so it
 * holds for every dialect whether or not its router is built.
 */
const OPENNESS: { [K in keyof InboundConfigs]: (config: InboundConfigs[K]) => string | undefined } = {
  gms: (c) => (c.basicAuth ? undefined : 'no basicAuth: any caller is accepted'),
  nexus: (c) => (c.apiKeys ? undefined : 'no apiKeys: any non-empty x-api-key is accepted'),
  wwe: (c) => (c.users ? undefined : 'no users: any user name is accepted'),
  oracle: (c) => (c.basicAuth || c.bearerTokens ? undefined : 'no basicAuth or bearerTokens: any caller is accepted'),
  vsp: (c) => (c.appAccessKeys.length > 0 ? undefined : 'no appAccessKeys: any non-empty AppAccessKey is accepted'),
};

/**
 * Dialects whose open mode is worth a warning even in a sandbox: those that accept any secret at all (DESIGN §4,
 * §6), and Oracle, whose real service always requires credentials.
 */
const ALWAYS_WARN: ReadonlySet<keyof InboundConfigs> = new Set(['nexus', 'vsp', 'oracle']);

/**
 * One line per open dialect that is served. An open dialect beside one that requires credentials is a side door
 * into the same services, which an operator who configured credentials most likely did not mean (DESIGN §6:
 * every credential is scoped). With every dialect open (the sandbox), only those accepting any secret are named.
 */
export function openDialectWarnings(inbound: InboundConfigs): string[] {
  const names = Object.keys(OPENNESS) as (keyof InboundConfigs)[];
  const enabled = names.filter((name) => inbound[name].enabled && inboundRegistry[name] !== undefined);
  const openness = new Map(enabled.map((name) => [name, (OPENNESS[name] as (c: unknown) => string | undefined)(inbound[name])]));
  const guarded = enabled.filter((name) => openness.get(name) === undefined);
  const warnings: string[] = [];
  for (const name of enabled) {
    const how = openness.get(name);
    if (how === undefined || (guarded.length === 0 && !ALWAYS_WARN.has(name))) continue;
    const sideDoor = guarded.length > 0 ? `, while ${guarded.map((g) => `inbound.${g}`).join(', ')} ${guarded.length === 1 ? 'requires' : 'require'} credentials: it reaches the same services` : '';
    warnings.push(`inbound.${name} is open (${how})${sideDoor}`);
  }
  return warnings;
}
