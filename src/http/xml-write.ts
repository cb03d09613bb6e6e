import { XSI_NAMESPACE } from './xml-read';

/**
 * Characters XML 1.0 cannot carry at all, escaped or not (§2.2 Char): C0 controls but tab, LF and CR, lone
 * surrogates, U+FFFE and U+FFFF. A value holding one cannot be written; the caller decides what that means.
 */
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NOT_XML_CHARS = new RegExp(NOT_XML_CHAR.source, 'g');
const ESCAPED = /[&<>\r]/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };

export class NotXmlText extends Error {}

/** Element text: `&`, `<`, `>` escaped, CR kept as `&#xD;` (a parser would otherwise turn it into LF, XML §2.11). */
export function escapeXmlText(value: string): string {
  if (NOT_XML_CHAR.test(value)) throw new NotXmlText('value holds a character XML 1.0 cannot carry');
  return value.replace(ESCAPED, (c) => ENTITY[c]!);
}

/** Text with every character XML cannot carry replaced by U+FFFD: for messages, where a faithful copy is not owed. */
export const xmlSafe = (text: string): string => text.replace(NOT_XML_CHARS, '\ufffd');

/** `<name>text</name>` with the text escaped. */
export const xmlElement = (name: string, text: string): string => `<${name}>${escapeXmlText(text)}</${name}>`;

/**
 * A .NET DataContractSerializer document: root in `namespace` with the `i:` prefix declared as .NET writes it,
 * members in ordinal (alphabetical) order as DataContract orders members without an explicit Order, absent values
 * as `i:nil="true"`. No whitespace between elements, as .NET writes it.
 */
export function writeXmlDataContract(root: string, namespace: string, members: Record<string, string | undefined>): string {
  const names = Object.keys(members).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let out = `<${root} xmlns:i="${XSI_NAMESPACE}" xmlns="${namespace}">`;
  for (const name of names) {
    const value = members[name];
    out += value === undefined ? `<${name} i:nil="true"/>` : xmlElement(name, value);
  }
  return `${out}</${root}>`;
}
