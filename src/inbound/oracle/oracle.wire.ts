import { GatewayError, invalid } from '../../core/errors';

/**
 * Path and query values of the Oracle wire, checked before use. InteractionId is a JSON number below 2^53
 * (DESIGN §4 oracle): anything but digits is a bad request; digits that no alias can have (leading zeros, zero,
 * past 2^53, where a double would round onto another interaction's number) name nothing.
 */
export function parseInteractionId(raw: string): number {
  if (!/^\d+$/.test(raw)) throw invalid(`InteractionId "${raw.slice(0, 64)}" is not a number`, 'InteractionId');
  const n = Number(raw);
  if (!/^[1-9]\d*$/.test(raw) || !Number.isSafeInteger(n)) throw interactionNotFound(raw.slice(0, 64));
  return n;
}

export const interactionNotFound = (interactionId: number | string): GatewayError =>
  new GatewayError('not_found', `Interaction ${interactionId} was not found`, { subject: 'interaction', ref: String(interactionId) });

/** Query parameters, strictly decoded: invalid percent-encoding is refused rather than kept (DESIGN §4). */
export function parseQueryString(query: string): Map<string, string> {
  const params = new Map<string, string>();
  if (query === '') return params;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const [rawName, rawValue] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    try {
      params.set(decodeURIComponent(rawName.replace(/\+/g, ' ')), decodeURIComponent(rawValue.replace(/\+/g, ' ')));
    } catch {
      throw invalid('Invalid percent-encoding in the query string');
    }
  }
  return params;
}

/**
 * `q=OriginalSystemReference='…'`, the one row-match expression this gateway evaluates. A quote inside the
 * literal is doubled (`''`), as in SQL; anything after the closing quote is refused, so `x' or '1'='1` can only
 * ever be a value, never a second condition.
 */
const ORIGINAL_SYSTEM_REFERENCE = /^\s*OriginalSystemReference\s*=\s*'((?:[^']|'')*)'\s*$/;

export function originalSystemReferenceOf(q: string): string {
  const m = ORIGINAL_SYSTEM_REFERENCE.exec(q);
  if (!m) throw invalid(`Unsupported query: only q=OriginalSystemReference='…' is supported`, 'q');
  const value = m[1]!.replace(/''/g, "'");
  if (value === '') throw invalid('OriginalSystemReference must not be empty', 'q');
  return value;
}

/** Oracle's paging: `limit` (default 25, at most 500) and `offset` (default 0). */
export function pageOf(params: Map<string, string>): { limit: number; offset: number } {
  return { limit: count(params, 'limit', 25, 1, 500), offset: count(params, 'offset', 0, 0, Number.MAX_SAFE_INTEGER) };
}

function count(params: Map<string, string>, name: string, byDefault: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === undefined) return byDefault;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw invalid(`${name} must be an integer from ${min} to ${max}`, name);
  return n;
}

/**
 * `Upsert-Mode` (spec, POST header parameters): "one of the following values: true or false", absent meaning false.
 * Any other value (or the header twice) is a 400 naming it, rather than a create the client did not ask for.
 */
export function upsertModeOf(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const value = typeof header === 'string' ? header.trim().toLowerCase() : undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalid('Upsert-Mode must be true or false', 'Upsert-Mode');
}
