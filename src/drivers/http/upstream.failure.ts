import { GatewayError, withDetails } from '../../core/errors';
import type { UpstreamRequest, UpstreamResponse } from './upstream';
import type { BreakerVerdict } from './upstream.breaker';

/**
 * Who may repeat a failed attempt. `any` only where the request provably never left this process; after a
 * timeout, a reset or a 5xx a non-idempotent request may have been applied (RFC 7230 §6.3.1).
 */
export type RetryClass = 'none' | 'idempotent' | 'any';

export interface UpstreamFailure {
  error: GatewayError;
  retry: RetryClass;
  breaker: BreakerVerdict;
}

/** The TCP handshake was rejected: not one byte of the request reached the upstream. */
const NEVER_SENT = new Set(['ECONNREFUSED']);
/** Our own misuse of the client (bad header value, bad option): the upstream is not to blame. */
const CALLER_FAULT = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);
/** This client was closed: the upstream is not to blame and repeating cannot help. */
const CLOSED = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED']);
/** No connection was made: the upstream cannot have seen the request. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const TRANSIENT_STATUSES = new Set([502, 503, 504]);

const withCause = (cause: unknown): { cause: unknown } | undefined => (cause === undefined ? undefined : { cause });

export const unavailable = (backend: string, details: GatewayError['details'] = {}, cause?: unknown): GatewayError =>
  new GatewayError('upstream_unavailable', `Backend ${backend} is unavailable`, details, withCause(cause));

export const timedOut = (backend: string, details: GatewayError['details'] = {}, cause?: unknown): GatewayError =>
  new GatewayError('upstream_timeout', `Backend ${backend} did not answer in time`, details, withCause(cause));

const codeOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

export interface NetworkContext {
  /** Our own attempt timer fired. */
  abortedByTimer: boolean;
  /** The attempt had the backend's whole timeout: one cut short by the caller's deadline says nothing of the upstream's health. */
  fullBudget: boolean;
  /** Set when the failure came while reading the body of an answer. */
  status: number | undefined;
}

/** A thrown network-level error, mapped to what a client may see, whether it may be repeated, and how the breaker weighs it. */
export function networkFailure(err: unknown, backend: string, { abortedByTimer, fullBudget, status }: NetworkContext): UpstreamFailure {
  const code = codeOf(err);
  // Only a refused or never-made connection proves the request did not reach the upstream.
  const details: GatewayError['details'] = { applied: code !== undefined && NEVER_CONNECTED.has(code) ? 'no' : 'unknown' };
  if (status !== undefined) details.upstreamStatus = status;
  if (abortedByTimer || (code !== undefined && TIMEOUTS.has(code))) {
    if (code !== undefined && !abortedByTimer) details.upstreamCode = code;
    return { error: timedOut(backend, details, err), retry: 'idempotent', breaker: fullBudget ? 'failure' : 'neutral' };
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    const error = new GatewayError('upstream_rejected', `Backend ${backend} answered with a body too large`, details, { cause: err });
    return { error, retry: 'none', breaker: 'success' };
  }
  if (code !== undefined && CALLER_FAULT.has(code)) {
    return { error: new GatewayError('internal', 'Internal error', { applied: 'no' }, { cause: err }), retry: 'none', breaker: 'neutral' };
  }
  if (code !== undefined) details.upstreamCode = code;
  if (code !== undefined && CLOSED.has(code)) return { error: unavailable(backend, details, err), retry: 'none', breaker: 'neutral' };
  return { error: unavailable(backend, details, err), retry: code !== undefined && NEVER_SENT.has(code) ? 'any' : 'idempotent', breaker: 'failure' };
}

/**
 * A 5xx answer; 504 means the upstream's own upstream timed out. A 503 is the upstream refusing to serve, so the
 * write was not applied (RFC 9110 §15.6.4); after a 500, 502 or 504 it may have been.
 */
export function statusFailure(status: number, retryAfter: string | string[] | undefined, backend: string, nowMs: number): UpstreamFailure {
  if (status === 501) {
    // "Not Implemented" (RFC 9110 §15.6.2): the upstream does not do this at all, so nothing was applied, a retry
    // would meet the same answer, and the upstream is healthy. Every dialect has its own "unsupported" for it.
    const error = new GatewayError('unsupported', `Backend ${backend} does not support this operation`, { upstreamStatus: status, applied: 'no' });
    return { error, retry: 'none', breaker: 'success' };
  }
  const details: GatewayError['details'] = { upstreamStatus: status, applied: status === 503 ? 'no' : 'unknown' };
  const seconds = parseRetryAfter(retryAfter, nowMs);
  if (seconds !== undefined) details.retryAfterSeconds = seconds;
  const error = status === 504 ? timedOut(backend, details) : unavailable(backend, details);
  return { error, retry: TRANSIENT_STATUSES.has(status) ? 'idempotent' : 'none', breaker: 'failure' };
}

/** The verdicts of a driver's failureInAnswer the client acts on: the upstream saying it cannot serve now. */
const RETRYABLE_VERDICTS = new Set<GatewayError['code']>(['upstream_unavailable', 'upstream_timeout']);

/**
 * A non-5xx answer the driver reads as the upstream's own "try again" (UpstreamRequest.failureInAnswer), weighed
 * as a 503 is; undefined when the client should return the answer. A judge that throws is the gateway's own bug:
 * reported as internal, neither blamed on the upstream nor repeated, so the breaker's trial slot is still freed.
 */
export function answerFailure(req: Required<Pick<UpstreamRequest, 'failureInAnswer'>>, res: UpstreamResponse): UpstreamFailure | undefined {
  let verdict: GatewayError | undefined;
  try {
    // Called as the request's method: a driver may keep what it judges with (its command) on the request itself.
    verdict = req.failureInAnswer(res);
  } catch (err) {
    return { error: new GatewayError('internal', 'Internal error', {}, { cause: err }), retry: 'none', breaker: 'neutral' };
  }
  if (verdict === undefined || !RETRYABLE_VERDICTS.has(verdict.code)) return undefined;
  // "Unavailable, try again" is a refusal (GMS statusCode 1); a timeout the upstream reports may hide a write.
  const applied = verdict.details.applied ?? (verdict.code === 'upstream_unavailable' ? 'no' : 'unknown');
  return { error: withDetails(verdict, { applied }), retry: 'idempotent', breaker: 'failure' };
}

/** All three HTTP-date forms start with a day name; Date.parse alone accepts far too much. */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/i;

/** Retry-After is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (!HTTP_DATE.test(raw)) return undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/**
 * An upstream's answer to a retried request, read by the driver: after an attempt that may have been applied, a
 * refusal such as "already exists" may be the echo of that attempt. Marked so the core resolves it rather than
 * reporting the caller's own create as a duplicate.
 */
export function markIfUncertain(err: unknown, res: UpstreamResponse): unknown {
  if (!(err instanceof GatewayError) || res.afterUncertainAttempt !== true || err.details.applied !== undefined) return err;
  return withDetails(err, { applied: 'unknown' });
}
