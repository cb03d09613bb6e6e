import type { IncomingHttpHeaders } from 'node:http';

/** The body formats VSP reads (spec: Request Formats); a form is read but never written. */
export type RequestFormat = 'json' | 'xml' | 'form';
export type AnswerFormat = 'json' | 'xml';

const REQUEST_TYPES: Readonly<Record<string, RequestFormat>> = {
  'application/json': 'json',
  'text/json': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'application/x-www-form-urlencoded': 'form',
};

/** Media types written, JSON first: the formatter ASP.NET Web API falls back to. */
const ANSWER_TYPES: readonly { mime: string; format: AnswerFormat }[] = [
  { mime: 'application/json', format: 'json' },
  { mime: 'text/json', format: 'json' },
  { mime: 'application/xml', format: 'xml' },
  { mime: 'text/xml', format: 'xml' },
];

export interface ContentType {
  mime: string;
  charset?: string;
}

export function parseContentType(header: string | undefined): ContentType | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const [type, ...params] = header.split(';');
  const result: ContentType = { mime: type!.trim().toLowerCase() };
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq !== -1 && param.slice(0, eq).trim().toLowerCase() === 'charset') {
      result.charset = param.slice(eq + 1).trim().replace(/^"|"$/g, '').toLowerCase();
    }
  }
  return result;
}

/** The request body's format; undefined for a media type (or a charset other than UTF-8) VSP does not read: 415. */
export function requestFormatOf(contentType: ContentType | undefined): RequestFormat | undefined {
  if (!contentType) return undefined;
  if (contentType.charset !== undefined && contentType.charset !== 'utf-8' && contentType.charset !== 'utf8') return undefined;
  return REQUEST_TYPES[contentType.mime];
}

export interface Answer {
  format: AnswerFormat;
  /** The Content-Type to answer with. */
  contentType: string;
}

interface AcceptRange {
  mime: string;
  q: number;
}

function parseAccept(header: string): AcceptRange[] {
  const ranges: AcceptRange[] = [];
  for (const part of header.split(',').slice(0, 64)) {
    const [type, ...params] = part.split(';');
    const mime = type!.trim().toLowerCase();
    if (mime === '') continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=');
      if (name?.trim().toLowerCase() === 'q') q = Number(value?.trim());
    }
    if (Number.isFinite(q) && q > 0) ranges.push({ mime, q: Math.min(q, 1) });
  }
  return ranges;
}

const answer = (mime: string, format: AnswerFormat): Answer => ({ format, contentType: `${mime}; charset=utf-8` });

/**
 * ASP.NET Web API content negotiation, as a VSP client meets it: a media type the client names in Accept wins
 * (highest q; on a tie, the request's own format, else JSON); with no such preference (no Accept, only wildcards, or
 * only types VSP cannot write) the answer takes the request's format — JSON for a form, which cannot be written.
 */
export function negotiate(headers: IncomingHttpHeaders): Answer {
  const contentType = parseContentType(headers['content-type']);
  const requested = REQUEST_TYPES[contentType?.mime ?? ''];
  const accept = headers.accept;
  if (accept) {
    const ranges = parseAccept(accept);
    let best: { mime: string; format: AnswerFormat; q: number } | undefined;
    for (const { mime, format } of ANSWER_TYPES) {
      const range = ranges.find((r) => r.mime === mime);
      if (!range) continue;
      const better = !best || range.q > best.q || (range.q === best.q && format === requested && best.format !== requested);
      if (better) best = { mime, format, q: range.q };
    }
    if (best) return answer(best.mime, best.format);
  }
  if (requested === 'xml' || requested === 'json') return answer(contentType!.mime, requested);
  return answer('application/json', 'json');
}
