import { GatewayError } from '../../core/errors';
import { readJsonText } from '../../http/json';
import type { UpstreamResponse } from './upstream';

/**
 * Read as a client's body is (http/json.ts): integers past 2^53 exact, key order kept.
 * An answer that should be JSON but is not means the upstream (or something in front of it) is misbehaving.
 * Parsed once per answer however often it is read (a driver's failureInAnswer, then its mapping): the parsed
 * value is shared, so readers must not modify it.
 */
export function parseJsonBody(res: UpstreamResponse, backend: string): unknown {
  // JSON.parse never yields undefined, so undefined means "not parsed yet".
  if (res.json !== undefined) return res.json;
  try {
    res.json = readJsonText(res.body);
    return res.json;
  } catch {
    // No cause: V8's SyntaxError quotes the body, which may hold personal data and must stay out of logs.
    throw new GatewayError('upstream_rejected', `Backend ${backend} answered with an unreadable body`, { upstreamStatus: res.status });
  }
}
