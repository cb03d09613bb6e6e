import type { GatewayError } from '../../core/errors';
import { httpStatusOf, retryAfterHeaders } from '../../http/invalid-status';
import type { OutboundResponse } from '../../http/wire';

/** Oracle's REST error media type; its body holds `title`, `status` and `detail` (DESIGN §4 oracle). */
export const ERROR_CONTENT_TYPE = 'application/vnd.oracle.adf.error+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * `{"title","status","detail"}`. An internal error says nothing more (its text may hold internals); a 401 names
 * the schemes the dialect takes, a 429/503 says when to come back when the backend said so.
 */
export function renderOracleError(err: GatewayError, challenge?: string): OutboundResponse {
  // Idempotency refusals (a retry while the first is in progress → 409, the same key with a different payload →
  // 422) arrive as details.reason on the invalid_request/conflict codes and map in httpStatusOf.
  const status = httpStatusOf(err);
  const detail = err.code === 'internal' ? 'Internal error' : err.message;
  const headers: Record<string, string> = { ...retryAfterHeaders(err, status) };
  if (status === 401 && challenge) headers['www-authenticate'] = challenge;
  return {
    status,
    headers,
    contentType: ERROR_CONTENT_TYPE,
    body: JSON.stringify({ title: TITLES[status] ?? 'Error', status, detail }),
  };
}
