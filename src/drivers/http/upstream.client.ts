import { Pool } from 'undici';
import { awaitAtMost } from '../../core/await-at-most';
import { GatewayError, withDetails } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { UpstreamClient, UpstreamObserver, UpstreamRequest, UpstreamResponse } from './upstream';
import { attemptsOver, type AttemptOutcome } from './upstream.attempt';
import { backoffMs } from './upstream.backoff';
import { createBreaker, type BreakerTicket } from './upstream.breaker';
import { answerFailure, unavailable, type UpstreamFailure } from './upstream.failure';

export interface UpstreamClientOptions {
  backendName: string;
  /** Origin plus an optional path prefix put before every request path, e.g. `http://host:8080/nexus/v3`. */
  baseUrl: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Extra attempts, only for what is safe to repeat. */
  retries: number;
  /** Consecutive failed attempts (a retry is an attempt) that open the breaker. */
  breakerThreshold: number;
  /** How long the breaker stays open before it lets one trial attempt through. */
  breakerResetMs: number;
  /** Keep-alive connections to the backend. */
  connections: number;
  logger: Logger;
  observer?: UpstreamObserver;
  /** Epoch ms; the clock deadlines and the breaker are read against. */
  now?: () => number;
  /** In [0, 1), for backoff jitter. */
  random?: () => number;
}

/** Bigger answers are refused rather than buffered: one runaway upstream must not exhaust the gateway's memory. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

function splitBaseUrl(baseUrl: string, backend: string): { origin: string; prefix: string } {
  const url = new URL(baseUrl);
  // Credentials in a URL end up in logs and error traces; drivers take them as separate options.
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new Error(`baseUrl of backend ${backend} must be an origin with an optional path, without credentials, query or fragment`);
  }
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A request's error once one of its attempts may have been applied (`uncertain`): its outcome is unknown too. */
const failAfter = (uncertain: boolean, error: GatewayError): GatewayError =>
  uncertain && error.details.applied !== 'unknown' ? withDetails(error, { applied: 'unknown' }) : error;

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const { backendName: backend, logger, observer, timeoutMs, retries } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const { origin, prefix } = splitBaseUrl(options.baseUrl, backend);
  const pool = new Pool(origin, { connections: options.connections, maxResponseSize: MAX_BODY_BYTES });
  const runAttempt = attemptsOver(pool, backend, now);
  const breaker = createBreaker({
    threshold: options.breakerThreshold,
    resetMs: options.breakerResetMs,
    now,
    onChange: (state) => {
      logger.warn(`Circuit breaker of backend ${backend} is ${state}`, { backend, breaker: state });
      observer?.onBreakerChange({ backend, state });
    },
  });

  // The breaker only reports changes: without this a backend that never failed would have no state to show.
  observer?.onBreakerChange({ backend, state: breaker.state() });

  const breakerOpen = (): GatewayError => {
    const wait = Math.ceil(breaker.msUntilTrial() / 1000);
    return unavailable(backend, wait > 0 ? { retryAfterSeconds: wait, applied: 'no' } : { applied: 'no' });
  };

  const mayRetry = (failure: UpstreamFailure, req: UpstreamRequest): boolean =>
    failure.retry === 'any' || (failure.retry === 'idempotent' && req.idempotent);

  const report = (sink: UpstreamObserver, req: UpstreamRequest, outcome: AttemptOutcome, startedAt: number): void => {
    const seconds = (performance.now() - startedAt) / 1000;
    sink.onCall({ backend, method: req.method, status: outcome.status, error: outcome.failure?.error, seconds });
  };

  /**
   * What one attempt's outcome means once the answer is in: the driver's reading of a non-5xx answer, the breaker
   * and the metrics. Synchronous, so an attempt costs the request loop one await (runAttempt's) and no more.
   */
  const settleAttempt = (req: UpstreamRequest, ticket: BreakerTicket, raw: AttemptOutcome, startedAt: number): AttemptOutcome => {
    let outcome = raw;
    if (outcome.failure === undefined && req.failureInAnswer !== undefined) {
      // Judged before the breaker settles: an upstream answering 200 "try again" is as down as one answering 503.
      const failure = answerFailure(req as Required<Pick<UpstreamRequest, 'failureInAnswer'>>, outcome);
      if (failure !== undefined) outcome = { failure, status: outcome.status };
    }
    breaker.settle(ticket, outcome.failure?.breaker ?? 'success');
    if (observer) report(observer, req, outcome, startedAt);
    return outcome;
  };

  async function request(req: UpstreamRequest): Promise<UpstreamResponse> {
    const deadline = req.deadline ?? Number.POSITIVE_INFINITY;
    const path = prefix + (req.path.startsWith('/') ? req.path : `/${req.path}`);
    // When a retry cannot start, the last real failure says more than the reason it was refused.
    let last: GatewayError | undefined;
    // Once one attempt may have been applied, so may the request, whatever later attempts say.
    let uncertain = false;
    for (let retryIndex = 0; ; retryIndex += 1) {
      const budgetMs = Math.min(timeoutMs, deadline - now());
      if (budgetMs <= 0) throw failAfter(uncertain, last ?? new GatewayError('upstream_timeout', `Deadline passed before backend ${backend} was called`, { applied: 'no' }));
      const ticket = breaker.admit();
      if (ticket === undefined) throw failAfter(uncertain, last ?? breakerOpen());
      const startedAt = performance.now();
      const raw = await runAttempt(path, req, budgetMs, budgetMs >= timeoutMs);
      const outcome = settleAttempt(req, ticket, raw, startedAt);
      if (outcome.failure === undefined) {
        if (uncertain) outcome.afterUncertainAttempt = true;
        return outcome;
      }
      const { failure } = outcome;
      last = failure.error;
      uncertain ||= last.details.applied === 'unknown';
      if (retryIndex >= retries || !mayRetry(failure, req)) throw failAfter(uncertain, last);
      const delay = backoffMs(retryIndex, random, last.details.retryAfterSeconds);
      if (delay === undefined || now() + delay >= deadline) throw failAfter(uncertain, last);
      logger.debug(`Retrying backend ${backend}`, { backend, method: req.method, code: last.code, upstreamStatus: last.details.upstreamStatus, delayMs: Math.round(delay) });
      await sleep(delay);
    }
  }

  /** One GET below the baseUrl, outside the breaker, the retries and the metrics: readiness must not change them. */
  const probe = async (path: string, timeoutMs: number): Promise<{ status: number; body: string } | undefined> => {
    const get = { method: 'GET' as const, path, headers: { accept: 'application/json' }, idempotent: false };
    const outcome = await runAttempt(prefix + path || '/', get, timeoutMs, false);
    return outcome.failure === undefined ? { status: outcome.status, body: outcome.body } : undefined;
  };

  let closing: Promise<void> | undefined;
  return {
    request,
    probe,
    breakerState: () => breaker.state(),
    close: (graceMs = Infinity) => (closing ??= closeWithin(pool, graceMs)),
  };
}

/**
 * Lets the requests in flight end for `graceMs` (shutdown's remaining time), then destroys the pool: a hung
 * upstream must not hold the process past server.shutdownTimeoutMs. A request cut this way fails as
 * UND_ERR_DESTROYED — outcome unknown — and its caller was already answered "try again".
 */
async function closeWithin(pool: Pool, graceMs: number): Promise<void> {
  if (!(await awaitAtMost(pool.close(), graceMs))) await pool.destroy();
}

/** The client of one configured HTTP backend: its options from the config, its name, logger and observer from deps. */
export function upstreamClientFor(
  deps: { backendName: string; logger: Logger; observer?: UpstreamObserver },
  config: Pick<UpstreamClientOptions, 'baseUrl' | 'timeoutMs' | 'retries' | 'breakerThreshold' | 'breakerResetMs' | 'connections'>,
): UpstreamClient {
  return createUpstreamClient({
    backendName: deps.backendName,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    retries: config.retries,
    breakerThreshold: config.breakerThreshold,
    breakerResetMs: config.breakerResetMs,
    connections: config.connections,
    logger: deps.logger,
    ...(deps.observer && { observer: deps.observer }),
  });
}
