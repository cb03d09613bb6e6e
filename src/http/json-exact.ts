import { orderedKeys, setOrdered } from '../core/key-order';

/**
 * JSON.parse rounds integers past 2^53 and lists integer-like keys first; Node 20's JSON.parse shows no source
 * text to correct either. This reader is used only when the raw text holds a run of 16 digits or a quoted
 * integer-like key, so the common body keeps the native parser. It reads standard JSON (RFC 8259) and:
 * - an integer literal that is not a safe integer becomes a `bigint`, so its exact digits survive;
 * - objects keep the order their keys were written in (core/key-order), a repeated key keeping its first place
 *   and last value, as JSON.parse does.
 */
export const NEEDS_EXACT_READ = /\d{16}|"\d+"\s*:/;

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

export function parseExactJson(text: string): unknown {
  let at = 0;

  const fail = (): never => {
    throw new SyntaxError(`Unexpected token at position ${at}`);
  };

  const skipSpace = (): void => {
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === 32 || c === 9 || c === 10 || c === 13) at++;
      else return;
    }
  };

  const readString = (): string => {
    const start = at;
    at++;
    for (;;) {
      const c = text.charCodeAt(at);
      if (Number.isNaN(c)) fail();
      if (c === 92) at += 2;
      else if (c === 34) break;
      else at++;
    }
    at++;
    // The native parser checks escapes and control characters of the one string token.
    return JSON.parse(text.slice(start, at)) as string;
  };

  const readNumber = (): number | bigint => {
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(text);
    if (!m) return fail();
    at = NUMBER.lastIndex;
    const value = Number(m[0]);
    return m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(value) ? BigInt(m[0]) : value;
  };

  const literal = (word: string, value: unknown): unknown => {
    if (!text.startsWith(word, at)) fail();
    at += word.length;
    return value;
  };

  const readValue = (): unknown => {
    skipSpace();
    const c = text[at];
    if (c === '{') return readObject();
    if (c === '[') return readArray();
    if (c === '"') return readString();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    return readNumber();
  };

  const readObject = (): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    at++;
    skipSpace();
    if (text[at] === '}') {
      at++;
      return obj;
    }
    for (;;) {
      skipSpace();
      if (text[at] !== '"') fail();
      const key = readString();
      skipSpace();
      if (text[at] !== ':') fail();
      at++;
      setOrdered(obj, key, readValue());
      skipSpace();
      const next = text[at++];
      if (next === '}') return obj;
      if (next !== ',') fail();
    }
  };

  const readArray = (): unknown[] => {
    const list: unknown[] = [];
    at++;
    skipSpace();
    if (text[at] === ']') {
      at++;
      return list;
    }
    for (;;) {
      list.push(readValue());
      skipSpace();
      const next = text[at++];
      if (next === ']') return list;
      if (next !== ',') fail();
    }
  };

  const value = readValue();
  skipSpace();
  if (at !== text.length) fail();
  return value;
}

/** JSON text of `value` with every object's keys in their recorded order (core/key-order). */
export function stringifyOrdered(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : stringifyOrdered(v))).join(',')}]`;
  const parts: string[] = [];
  for (const key of orderedKeys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || typeof v === 'function') continue;
    parts.push(`${JSON.stringify(key)}:${stringifyOrdered(v)}`);
  }
  return `{${parts.join(',')}}`;
}
