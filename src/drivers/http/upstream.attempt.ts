import type { EventEmitter } from 'node:events';
import type { Pool } from 'undici';
import type { UpstreamRequest, UpstreamResponse } from './upstream';
import { networkFailure, statusFailure, type UpstreamFailure } from './upstream.failure';

/** An attempt's answer is its own outcome (one object, not a response wrapped in another); a failure is not. */
export type AttemptOutcome = (UpstreamResponse & { failure?: undefined }) | { failure: UpstreamFailure; status?: number };

/** Runs one attempt of `req` on `path` (the baseUrl's prefix included) within `budgetMs`. */
export type Attempt = (path: string, req: UpstreamRequest, budgetMs: number, fullBudget: boolean) => Promise<AttemptOutcome>;

/** A 5xx body is never read, only drained; beyond this the socket is cheaper to drop than to drain. */
const DRAIN_LIMIT = 64 * 1024;

/**
 * An abort signal that fires at `deadline` (performance.now() ms). undici accepts an EventEmitter as a request's
 * signal and uses only `aborted`, `reason`, `on`/`once` and `removeListener` of it (util.addAbortListener): this
 * object has exactly those, holding its one listener in a field. An AbortController with its EventTarget listener
 * costs about 12 µs per attempt on Node 20, a full EventEmitter about 2 µs, this a fraction of one. It has no
 * timer of its own: the client's AttemptDeadlines fires it.
 */
class AttemptSignal {
  aborted = false;
  readonly reason = undefined;
  private listener: (() => void) | undefined = undefined;

  constructor(readonly deadline: number) {}

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

  abort(): void {
    this.aborted = true;
    const listener = this.listener;
    this.listener = undefined;
    listener?.();
  }
}

/**
 * The attempts of one client still running, watched by one timer for all rather than one per attempt (as
 * http/body.ts does for bodies). The timer is set for the earliest deadline; an attempt that ends leaves it set,
 * and when it fires it aborts what is due and sets itself for the next deadline. While no attempt runs the timer
 * is unref'd, so it holds the process no longer than a per-attempt timer would have.
 */
class AttemptDeadlines {
  private readonly pending = new Set<AttemptSignal>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  add(signal: AttemptSignal): void {
    this.pending.add(signal);
    if (signal.deadline < this.armedFor) this.arm(signal.deadline);
    else if (this.pending.size === 1) this.timer?.ref();
  }

  delete(signal: AttemptSignal): void {
    this.pending.delete(signal);
    if (this.pending.size === 0) this.timer?.unref();
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(() => this.expire(), Math.max(0, Math.ceil(at - performance.now())));
  }

  private expire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const signal of this.pending) {
      if (signal.deadline <= now) {
        this.pending.delete(signal);
        signal.abort();
      } else if (signal.deadline < next) next = signal.deadline;
    }
    if (next !== Infinity) this.arm(next);
  }
}

/**
 * The attempts of one client over its pool. The deadline bounds everything an attempt can wait on (a free
 * connection, the connect, the headers and the whole body), which undici's own timeouts each cover only in part.
 * Built once per client: what every attempt shares (pool, backend, clock, deadlines) is not passed per attempt.
 */
export function attemptsOver(pool: Pool, backend: string, now: () => number): Attempt {
  const deadlines = new AttemptDeadlines();
  return async function runAttempt(path, req, budgetMs, fullBudget) {
    const signal = new AttemptSignal(performance.now() + budgetMs);
    deadlines.add(signal);
    let status: number | undefined;
    try {
      const res = await pool.request({
        path,
        method: req.method,
        headers: req.headers,
        body: req.body,
        // The duck-typed signal described above; undici's typings name only EventEmitter and AbortSignal.
        signal: signal as unknown as EventEmitter,
      });
      status = res.statusCode;
      if (status >= 500) {
        // Drained rather than destroyed so the keep-alive socket goes back to the pool.
        await res.body.dump({ limit: DRAIN_LIMIT }).catch(() => undefined);
        return { failure: statusFailure(status, res.headers['retry-after'], backend, now()), status };
      }
      const body = await res.body.text();
      // `json` has its slot from the start: parseJsonBody fills it on most answers, and a property added later
      // would allocate the object's property store.
      return { status, headers: res.headers, body, json: undefined };
    } catch (err) {
      return { failure: networkFailure(err, backend, { abortedByTimer: signal.aborted, fullBudget, status }), status };
    } finally {
      deadlines.delete(signal);
    }
  };
}
