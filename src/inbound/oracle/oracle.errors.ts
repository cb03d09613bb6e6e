import type { ErrorCode, GatewayError } from '../../core/errors';
import { invalidRequestStatus } from '../../http/invalid-status';
import type { OutboundResponse } from '../../http/wire';

/** Oracle's REST error media type; its body holds `title`, `status` and `detail` (DESIGN §4 oracle). */
export const ERROR_CONTENT_TYPE = 'application/vnd.oracle.adf.error+json';

const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  already_exists: 409,
  conflict: 409,
  unsupported: 501,
  rate_limited: 429,
  upstream_unavailable: 503,
  upstream_timeout: 504,
  upstream_rejected: 502,
  internal: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * The HTTP status of an error. Idempotency refusals (a retry while the first is in progress → 409, the same key
 * with a different payload → 422) arrive as details.reason on the invalid_request/conflict codes and map here.
 */
function statusOf(err: GatewayError): number {
  if (err.code === 'invalid_request') return invalidRequestStatus(err);
  return STATUS[err.code];
}

/**
 * `{"title","status","detail"}`. An internal error says nothing more (its text may hold internals); a 401 names
 * the schemes the dialect takes, a 429/503 says when to come back when the backend said so.
 */
export function renderOracleError(err: GatewayError, challenge?: string): OutboundResponse {
  const status = statusOf(err);
  const detail = err.code === 'internal' ? 'Internal error' : err.message;
  const headers: Record<string, string> = {};
  if (status === 401 && challenge) headers['www-authenticate'] = challenge;
  const retryAfter = err.details.retryAfterSeconds;
  const mayWait = status === 503 || status === 429 || err.details.reason === 'in_progress';
  if (mayWait && retryAfter !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) {
    headers['retry-after'] = String(Math.ceil(retryAfter));
  }
  return {
    status,
    headers,
    contentType: ERROR_CONTENT_TYPE,
    body: JSON.stringify({ title: TITLES[status] ?? 'Error', status, detail }),
  };
}
