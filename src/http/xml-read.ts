import { isUtf8 } from 'node:buffer';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { GatewayError, invalid } from '../core/errors';
import { tooLarge } from './body';

export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

/** One child element of the root, as a .NET DataContract member is written. */
export type XmlMember =
  | { kind: 'text'; value: string }
  /** `i:nil="true"`: the member is present and null. */
  | { kind: 'nil' }
  /** It holds elements of its own: not a simple value. */
  | { kind: 'complex' };

/** A DataContract document: its root, and its members (direct children in the root's namespace; last one wins). */
export interface XmlDataContract {
  root: { name: string; namespace: string };
  members: Map<string, XmlMember>;
}

export interface XmlLimits {
  /** Elements and attributes in all: more is 413, as too many form or JSON fields are. */
  maxFields: number;
  /** Element nesting, the root counting as 1. */
  maxDepth: number;
  /** Characters of one text node (CDATA included). */
  maxText: number;
}

/**
 * A DTD is refused before a byte is parsed: with no DTD there are no entity declarations, hence no entity expansion
 * (billion laughs, quadratic blow-up), no parameter entities and no external entity or DTD to fetch. Matching the
 * raw text is stricter than needed (the same letters inside a comment or CDATA are refused too), never looser.
 */
const DTD_MARKUP = /<!(?:DOCTYPE|ENTITY)/i;

interface OpenMember {
  name: string;
  member: XmlMember;
  text: string;
  counted: boolean;
}

/**
 * Reads a DataContract-shaped XML body with saxes (a strict, non-validating, streaming XML 1.0 parser that never
 * reads a DTD nor fetches anything): UTF-8 only, no DTD, every limit checked as the parser goes, so a hostile
 * document is stopped at the first element or character past a bound. Any failure is invalid_request (413 for too
 * many fields); the parser's own message is not repeated, as it may quote the document.
 */
export function readXmlDataContract(body: Buffer, limits: XmlLimits): XmlDataContract {
  if (!isUtf8(body)) throw invalid('XML body is not valid UTF-8');
  const text = body.toString('utf8');
  if (DTD_MARKUP.test(text)) throw invalid('XML with a DOCTYPE or entity declarations is not accepted');

  const parser = new SaxesParser({ xmlns: true, position: true });
  let root: XmlDataContract['root'] | undefined;
  const members = new Map<string, XmlMember>();
  let depth = 0;
  let fields = 0;
  let open: OpenMember | undefined;

  const count = (n: number): void => {
    fields += n;
    if (fields > limits.maxFields) throw tooLarge(`More than ${limits.maxFields} XML elements and attributes`);
  };
  const addText = (chunk: string): void => {
    if (chunk.length > limits.maxText) throw invalid(`XML text longer than ${limits.maxText} characters`);
    if (!open || depth !== 2) return;
    open.text += chunk;
    if (open.text.length > limits.maxText) throw invalid(`XML text of ${open.name} longer than ${limits.maxText} characters`);
  };

  parser.on('xmldecl', (decl) => {
    if (decl.encoding !== undefined && !/^utf-?8$/i.test(decl.encoding)) throw invalid('XML encoding must be UTF-8');
  });
  parser.on('doctype', () => {
    throw invalid('XML with a DOCTYPE or entity declarations is not accepted');
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    depth += 1;
    if (depth > limits.maxDepth) throw invalid(`XML nests deeper than ${limits.maxDepth} elements`);
    count(1 + Object.keys(tag.attributes).length);
    if (depth === 1) root = { name: tag.local, namespace: tag.uri };
    else if (depth === 2) open = { name: tag.local, member: isNil(tag) ? { kind: 'nil' } : { kind: 'text', value: '' }, text: '', counted: tag.uri === root?.namespace };
    else if (open) open.member = { kind: 'complex' };
  });
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    if (depth === 2 && open) {
      // Members in another namespace are not this contract's: ignored, as unknown members are.
      if (open.counted) members.set(open.name, open.member.kind === 'text' ? { kind: 'text', value: open.text } : open.member);
      open = undefined;
    }
    depth -= 1;
  });

  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw invalid(`Malformed XML near line ${parser.line}, column ${parser.column}`);
  }
  if (!root) throw invalid('XML body has no root element');
  return { root, members };
}

function isNil(tag: SaxesTagNS): boolean {
  for (const attr of Object.values(tag.attributes)) {
    if (attr.local === 'nil' && attr.uri === XSI_NAMESPACE) return attr.value === 'true' || attr.value === '1';
  }
  return false;
}
