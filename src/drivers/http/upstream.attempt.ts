import type { EventEmitter } from 'node:events';
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
 * An abort signal that fires after `ms`. undici accepts an EventEmitter as a request's signal and uses only
 * `aborted`, `reason`, `on`/`once` and `removeListener` of it (util.addAbortListener): this object has exactly
 * those, holding its one listener in a field. An AbortController with its EventTarget listener costs about 12 µs
 * per attempt on Node 20, a full EventEmitter about 2 µs, this a fraction of one.
 */
class AttemptTimer {
  aborted = false;
  readonly reason = undefined;
  private listener: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.aborted = true;
      const listener = this.listener;
      this.listener = undefined;
      listener?.();
    }, ms);
  }

  on(_event: 'abort', listener: () => void): this {
    this.listener = listener;
    return this;
  }

  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener);
  }

  removeListener(_event: 'abort', listener: () => void): this {
    if (this.listener === listener) this.listener = undefined;
    return this;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.listener = undefined;
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
      // The duck-typed signal described above; undici's typings name only EventEmitter and AbortSignal.
      signal: timer as unknown as EventEmitter,
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
