import { GatewayError } from '../../core/errors';
import type { UpstreamResponse } from './upstream';

/** An answer that should be JSON but is not means the upstream (or something in front of it) is misbehaving. */
export function parseJsonBody(res: UpstreamResponse, backend: string): unknown {
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    // No cause: V8's SyntaxError quotes the body, which may hold personal data and must stay out of logs.
    throw new GatewayError('upstream_rejected', `Backend ${backend} answered with an unreadable body`, { upstreamStatus: res.status });
  }
}
