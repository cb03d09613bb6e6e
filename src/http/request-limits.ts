import { GatewayError } from '../core/errors';
import { TokenBuckets } from './rate-limit';
import type { RateLimitSpec } from './rate-limit.config';
import type { InboundRequest } from './wire';

/** Which limit refused a request, for the metrics. */
export type LimitKind = 'client' | 'auth_failures';

export interface RequestLimitsOptions {
  /** `server.rateLimit`: every client's default; absent, only clients with their own limit are limited. */
  rateLimit: RateLimitSpec | undefined;
  /** `server.authFailureLimit`: failed authentications per remote address. */
  authFailureLimit: RateLimitSpec;
  onLimited(dialect: string, kind: LimitKind): void;
}

/**
 * The gateway's request limits (DESIGN §6 `server.rateLimit`): a token bucket per client (its credential, or its
 * remote address when anonymous) and, apart from it, one per address for failed authentications, so wrong keys
 * cannot be tried at full speed. Both answer `rate_limited` with the wait: 429 + Retry-After, GMS statusCode 1.
 */
export class RequestLimits {
  private readonly clients = new TokenBuckets();
  private readonly failures = new TokenBuckets();

  constructor(private readonly options: RequestLimitsOptions) {}

  /** Before anything is read: an address that used up its failed authentications waits, whatever it sends. */
  admit(req: InboundRequest): void {
    if (this.failures.size === 0) return;
    const wait = this.failures.wait(req.remoteAddress);
    if (wait > 0) throw this.limited(req, 'auth_failures', 'Too many failed authentications', wait);
  }

  authFailed(req: InboundRequest): void {
    this.failures.take(req.remoteAddress, this.options.authFailureLimit);
  }

  /** Once the client is known: its own limit, else the gateway's. */
  take(req: InboundRequest): void {
    const spec = req.client?.rateLimit ?? this.options.rateLimit;
    if (spec === undefined) return;
    const wait = this.clients.take(req.client?.key ?? req.remoteAddress, spec);
    if (wait > 0) throw this.limited(req, 'client', 'Too many requests', wait);
  }

  private limited(req: InboundRequest, kind: LimitKind, message: string, retryAfterSeconds: number): GatewayError {
    this.options.onLimited(req.facts.dialect, kind);
    return new GatewayError('rate_limited', message, { retryAfterSeconds });
  }
}
