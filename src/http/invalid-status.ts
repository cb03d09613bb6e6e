import type { GatewayError } from '../core/errors';

/** The HTTP status of an invalid request, shared by the dialects that answer over HTTP status codes. */
export function invalidRequestStatus(err: GatewayError): 400 | 405 | 413 {
  switch (err.details.reason) {
    case 'too_large':
      return 413;
    case 'method_not_allowed':
      return 405;
    default:
      return 400;
  }
}
