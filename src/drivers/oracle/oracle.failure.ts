import type { CommandKind } from '../../core/command';
import { GatewayError } from '../../core/errors';

/** What a refused call was about, so its error can name it. */
export interface RefusedCall {
  kind: CommandKind;
  service: string;
  /** The id or externalId the command named. */
  ref?: string;
}

/**
 * An Oracle status below 500 → GatewayError (5xx are mapped by the shared client). The status is kept in details;
 * Oracle's own message never reaches the error (the driver logs it). 400 is Oracle refusing what the gateway
 * sent, 401/403 the gateway's own credential: neither is the client's to fix, so both are upstream_rejected.
 * A 404 on create means the tenant has no interactions resource for this service.
 */
export function errorFromStatus(status: number, call: RefusedCall, retryAfterSeconds?: number): GatewayError {
  const upstream = { upstreamStatus: status };
  if (status === 404) {
    if (call.kind === 'create') {
      return new GatewayError('not_found', `Service ${call.service} was not found upstream`, { ...upstream, subject: 'service', ref: call.service });
    }
    return new GatewayError('not_found', `Interaction ${call.ref ?? ''} was not found`, { ...upstream, subject: 'interaction', ...(call.ref !== undefined && { ref: call.ref }) });
  }
  if (status === 409) {
    if (call.kind === 'create') return new GatewayError('already_exists', 'An interaction with this externalId already exists', upstream);
    return new GatewayError('conflict', `Interaction ${call.ref ?? ''} is closed`, { ...upstream, subject: 'interaction', ...(call.ref !== undefined && { ref: call.ref }) });
  }
  if (status === 429) {
    return new GatewayError('rate_limited', 'Upstream is rate limiting the gateway', { ...upstream, ...(retryAfterSeconds !== undefined && { retryAfterSeconds }) });
  }
  if (status === 401 || status === 403) return new GatewayError('upstream_rejected', 'Upstream refused the gateway credentials', upstream);
  return new GatewayError('upstream_rejected', 'Upstream rejected the request', upstream);
}

/** Oracle's own words from an error body (`title`, `detail`), for the log only; never other JSON (it may echo data). */
export function upstreamMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { title?: unknown; detail?: unknown };
    const words = [parsed.title, parsed.detail].filter((w): w is string => typeof w === 'string');
    return words.length > 0 ? words.join(': ').slice(0, 500) : undefined;
  } catch {
    return body === '' ? undefined : body.slice(0, 200);
  }
}

/** Names a few keys for a message, each cut short: they are the caller's own, but a message stays one line. */
const keyList = (keys: string[]): string =>
  keys
    .slice(0, 10)
    .map((k) => JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k))
    .join(', ') + (keys.length > 10 ? `, … (${keys.length} in all)` : '');

/**
 * An update is one call per InteractionData row, and Oracle has no transaction across them: when a call fails
 * after others were made, the update is partly applied. Said so, with the rows, rather than as if nothing was
 * written; `applied: unknown`, so nothing downstream takes it for a write that provably did not happen. Sent again,
 * the update is safe: the rows are read first, so a key already written is PATCHed, never POSTed a second time.
 */
export function partlyApplied(error: GatewayError, written: string[], failed: string, unsent: string[]): GatewayError {
  const message = `${error.message}; the update was applied in part: InteractionData rows ${keyList(written)} written, ${keyList([failed])} failed${
    unsent.length > 0 ? `, ${keyList(unsent)} not sent` : ''
  }`;
  return new GatewayError(error.code, message, { ...error.details, applied: 'unknown', partial: { written, failed, unsent } }, { cause: error });
}
