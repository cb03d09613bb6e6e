import { EventEmitter } from 'node:events';
import type { Pool } from 'undici';
import type { UpstreamRequest, UpstreamResponse } from './upstream';
import { networkFailure, statusFailure, type UpstreamFailure } from './upstream.failure';

export type AttemptOutcome = { response: UpstreamResponse; failure?: undefined } | { failure: UpstreamFailure; status?: number };

export interface AttemptPlan {
  pool: Pool;
  backend: string;
  /** Full path on the origin, the baseUrl's prefix included. */
  path: string;
  req: UpstreamRequest;
  budgetMs: number;
  /** Whether budgetMs is the backend's whole timeout rather than what was left of the caller's deadline. */
  fullBudget: boolean;
  now: () => number;
}

/** A 5xx body is never read, only drained; beyond this the socket is cheaper to drop than to drain. */
const DRAIN_LIMIT = 64 * 1024;

/**
 * An abort signal that fires after `ms`. undici takes an EventEmitter as a request's signal; on Node 20 this
 * costs about 1 µs per attempt where an AbortController and its EventTarget listener cost about 12 µs, a tenth
 * of the gateway's whole CPU budget per request (perf-baseline.md).
 */
class AttemptTimer extends EventEmitter {
  aborted = false;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    super();
    this.timer = setTimeout(() => {
      this.aborted = true;
      this.emit('abort');
    }, ms);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/**
 * One request over the pool. The timer bounds everything an attempt can wait on (a free connection, the
 * connect, the headers and the whole body), which undici's own timeouts each cover only in part.
 */
export async function runAttempt(plan: AttemptPlan): Promise<AttemptOutcome> {
  const { pool, backend, req } = plan;
  const timer = new AttemptTimer(plan.budgetMs);
  let status: number | undefined;
  try {
    const res = await pool.request({
      path: plan.path,
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: timer,
    });
    status = res.statusCode;
    if (status >= 500) {
      // Drained rather than destroyed so the keep-alive socket goes back to the pool.
      await res.body.dump({ limit: DRAIN_LIMIT }).catch(() => undefined);
      return { failure: statusFailure(status, res.headers['retry-after'], backend, plan.now()), status };
    }
    const body = await res.body.text();
    return { response: { status, headers: res.headers, body } };
  } catch (err) {
    return { failure: networkFailure(err, backend, { abortedByTimer: timer.aborted, fullBudget: plan.fullBudget, status }), status };
  } finally {
    timer.stop();
  }
}
