import type { InteractionRef } from './command';

/** Every failure the core, the dialects and the drivers speak of. Each dialect maps these at its own edge. */
export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'already_exists',
  'unsupported',
  'conflict',
  'rate_limited',
  'upstream_unavailable',
  'upstream_timeout',
  'upstream_rejected',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const RETRYABLE: Record<ErrorCode, boolean> = {
  invalid_request: false,
  unauthorized: false,
  forbidden: false,
  not_found: false,
  already_exists: false,
  unsupported: false,
  conflict: false,
  rate_limited: true,
  upstream_unavailable: true,
  upstream_timeout: true,
  upstream_rejected: false,
  internal: false,
};

/** Invalid requests that dialects tell apart from a plain bad parameter. */
export type InvalidReason = 'too_large' | 'method_not_allowed' | 'unsupported_media_type' | 'idempotency_key_reused' | 'missing' | 'timeout';

/**
 * Why a request was refused, where dialects answer the same code apart. Every dialect maps these at its edge:
 * - `too_large` (invalid_request): HTTP 413; `method_not_allowed` (invalid_request): HTTP 405;
 *   `unsupported_media_type` (invalid_request): HTTP 415 (VSP, whose body formats are chosen by Content-Type).
 * - `timeout` (invalid_request): the request was not received within server.requestTimeoutMs: HTTP 408.
 * - `missing` (invalid_request): a required parameter left out, where a dialect tells it from a wrong value
 *   (Workspace statusCode 1, against 10).
 * - `idempotency_key_reused` (invalid_request): the same Idempotency-Key with a different payload (IETF
 *   draft-ietf-httpapi-idempotency-key-header-07 §2.7): HTTP 422 in dialects that speak HTTP statuses.
 * - `in_progress` (conflict): a retry arrived while the first request with that key is still running: the
 *   dialect's "try again" form (Nexus 409, GMS statusCode 1); the client may send it again shortly.
 */
export type ErrorReason = InvalidReason | 'in_progress';

/**
 * Whether the upstream may have applied a failed write: `no` when it provably did not (connection refused,
 * breaker open, a 503/429 refusal, no time left to send it); `unknown` when it may have (a timeout or a reset
 * after the request was sent, a 500). What may be repeated, resolved or queued depends on it.
 */
export type Applied = 'no' | 'unknown';

export interface ErrorDetails {
  /** What was not found: an interaction, or a service no route matches (dialects answer these differently). */
  subject?: 'interaction' | 'service';
  /** The field or key the problem is about, so a dialect can name it. */
  field?: string;
  /** The id or externalId the request named, for dialects that echo it (GMS "Specified interaction Id[…]"). */
  ref?: string;
  /** The upstream's own answer, kept for logs and metrics; never rendered to a client. */
  upstreamStatus?: number;
  upstreamCode?: string | number;
  /** The upstream's own words (GMS advice, a Nexus status message), for the request's log line only. */
  upstreamMessage?: string;
  /** Seconds after which a retry may succeed (Nexus Retry-After). */
  retryAfterSeconds?: number;
  /** Which kind of refusal, where dialects answer them apart (HTTP 413, 405, 415, 422; in progress). */
  reason?: ErrorReason;
  /** Whether the upstream may have applied the write that failed (see Applied). */
  applied?: Applied;
  /**
   * A write made of several upstream calls (Oracle InteractionData rows, one per user-data key) that failed part
   * way: the keys written before the failure, the one whose call failed (it may have been applied), those never sent.
   */
  partial?: { written: string[]; failed: string; unsent: string[] };
}

/** The one error type. `message` is safe to show a client: it never holds a stack or an upstream body. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatewayError';
    this.code = code;
    this.retryable = RETRYABLE[code];
    this.details = details;
  }
}

/** Anything thrown that is not a GatewayError becomes a generic internal error: its text may hold internals. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError('internal', 'Internal error', {}, { cause: err });
}

/** The same error with more details (e.g. what an upstream client learnt of the attempts). */
export function withDetails(err: GatewayError, details: ErrorDetails): GatewayError {
  return new GatewayError(err.code, err.message, { ...err.details, ...details }, err.cause === undefined ? undefined : { cause: err.cause });
}

export const invalid = (message: string, field?: string): GatewayError =>
  new GatewayError('invalid_request', message, field === undefined ? {} : { field });

/**
 * The one answer for an interaction that cannot be found. Also given for one outside the caller's service scope,
 * so an id of another tenant reads exactly as an unknown id and ids cannot be probed.
 */
export function interactionNotFound(ref: InteractionRef): GatewayError {
  const what = ref.by === 'id' ? `Interaction ${ref.value}` : `Interaction with externalId ${ref.value}`;
  return new GatewayError('not_found', `${what} was not found`, { subject: 'interaction', ref: ref.value });
}
/** A required parameter is absent (as opposed to present with a wrong value). */
export const missing = (field: string): GatewayError =>
  new GatewayError('invalid_request', `Missing parameter "${field}"`, { field, reason: 'missing' });
