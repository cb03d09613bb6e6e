import type { DriverDeps } from '../../core/driver';
import type { GatewayError } from '../../core/errors';

/**
 * The one upstream HTTP client every HTTP driver goes through (keep-alive pool, timeouts, deadline, retries
 * where repeating is safe, circuit breaker, failure mapping). Drivers only build requests and read answers.
 */
export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the backend's baseUrl, each client-supplied segment already encoded with encodeSegment. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * True only when sending the request twice is harmless (reads; creates that carry a dedupe key).
   * A request that is not idempotent is never retried once it may have reached the upstream (RFC 7230 §6.3.1).
   */
  idempotent: boolean;
  /** Epoch ms after which no attempt may run (the inbound request's deadline). */
  deadline?: number;
  /**
   * The driver's own reading of an answer below 500, for upstreams that say "unavailable, try again" in a
   * successful HTTP answer (GMS `statusCode: 1`, a Nexus envelope with a 5xx code). Returning upstream_unavailable
   * or upstream_timeout makes the answer count exactly as a 503 would: a breaker failure, retried only when the
   * request is idempotent, thrown when attempts run out. Any other verdict, or none, returns the answer as usual:
   * mapping it stays the driver's job. One that throws is the gateway's own bug, answered as internal. Called as
   * the request's method (`this` is the request).
   */
  failureInAnswer?(res: UpstreamResponse): GatewayError | undefined;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body as parseJsonBody parsed it, kept so a driver that judges an answer and then maps it parses it once. */
  json?: unknown;
  /**
   * An earlier attempt of this request may have been applied (it timed out or was reset after it was sent): a
   * create answered "already exists" is then most likely this very create (see markIfUncertain).
   */
  afterUncertainAttempt?: boolean;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Network failures, timeouts, 5xx answers and answers the request's failureInAnswer finds retryable are thrown as
 * GatewayError (upstream_unavailable, upstream_timeout) with the upstream status in details; every other answer
 * is returned for the driver to map.
 */
export interface UpstreamClient {
  request(req: UpstreamRequest): Promise<UpstreamResponse>;
  /** A readiness probe: one GET of `path` below the baseUrl, never retried, weighed by no breaker, in no metric; undefined when it failed. */
  probe(path: string, timeoutMs: number): Promise<{ status: number; body: string } | undefined>;
  breakerState(): BreakerState;
  /** Waits up to `graceMs` (default: as long as it takes) for requests in flight, then cuts them. */
  close(graceMs?: number): Promise<void>;
}

/** Told about every upstream call and breaker change, for metrics. */
export interface UpstreamObserver {
  onCall(event: { backend: string; method: string; status?: number; error?: GatewayError; seconds: number }): void;
  onBreakerChange(event: { backend: string; state: BreakerState }): void;
}

/**
 * What an HTTP driver is given: the core's deps plus the observer its upstream client reports to. Declared here
 * rather than in core/driver.ts so the core never names a driver-side type.
 */
export interface HttpDriverDeps extends DriverDeps {
  observer?: UpstreamObserver;
}
