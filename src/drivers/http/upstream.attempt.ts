import { errors, util, type Dispatcher, type Pool } from 'undici';
import { DeadlineWatch } from '../../core/deadline-watch';
import type { UpstreamRequest, UpstreamResponse } from './upstream';
import { networkFailure, statusFailure, type UpstreamFailure } from './upstream.failure';

/** An attempt's answer is its own outcome (one object, not a response wrapped in another); a failure is not. */
export type AttemptOutcome = (UpstreamResponse & { failure?: undefined }) | { failure: UpstreamFailure; status?: number };

/** Runs one attempt of `req` on `path` (the baseUrl's prefix included) within `budgetMs`. */
export type Attempt = (path: string, req: UpstreamRequest, budgetMs: number, fullBudget: boolean) => Promise<AttemptOutcome>;

/** A 5xx body is never read, only drained; beyond this the socket is cheaper to drop than to drain. */
const DRAIN_LIMIT = 64 * 1024;

/** What one attempt needs besides its request: the client's shared parts. */
interface AttemptScope {
  backend: string;
  now: () => number;
  /** The client's attempts still running, watched by one timer (monotonic clock; held while one runs). */
  deadlines: DeadlineWatch<AttemptHandler>;
}

/**
 * One attempt as undici's dispatch handler (its plain callbacks, which undici calls without a wrapper). It collects
 * the answer's bytes itself: undici's request() would put a Readable stream, an async resource and a promise per
 * step between the socket and the text. It reads as request() + body.text() did: headers by undici's own
 * parseHeaders, the text as UTF-8 without a leading BOM, a 5xx body drained up to DRAIN_LIMIT and then cut.
 * Its deadline bounds everything an attempt can wait on (a free connection, the connect, the headers and the whole
 * body), which undici's own timeouts each cover only in part; the client's DeadlineWatch fires it.
 */
class AttemptHandler implements Dispatcher.DispatchHandler {
  /** Its place among the client's attempts watched for their deadline. */
  slot = -1;
  /** Our own deadline passed: the attempt was cut here, not by the upstream. */
  aborted = false;
  private abortRequest: ((err: Error) => void) | undefined = undefined;
  private status: number | undefined = undefined;
  private headers: Record<string, string | string[]> | undefined = undefined;
  private chunks: Buffer[] = [];
  private size = 0;
  private settled = false;

  constructor(
    readonly deadline: number,
    private readonly scope: AttemptScope,
    private readonly fullBudget: boolean,
    private readonly resolve: (outcome: AttemptOutcome) => void,
  ) {}

  /** Called by the DeadlineWatch when the deadline passes; before the connect, onConnect aborts. */
  expire(): void {
    this.aborted = true;
    this.abortRequest?.(new errors.RequestAbortedError());
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.aborted) abort(new errors.RequestAbortedError());
    else this.abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx answers are interim (RFC 9110 §15.2): the real one follows.
    if (statusCode < 200) return true;
    this.status = statusCode;
    this.headers = util.parseHeaders(rawHeaders);
    if (statusCode >= 500) {
      const declared = Number(this.headers['content-length']);
      if (declared > DRAIN_LIMIT) this.abortRequest?.(new errors.RequestAbortedError());
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.size += chunk.length;
    // A 5xx body is drained, not kept: it goes so the keep-alive socket returns to the pool, unless it is too long.
    if (this.status! < 500) this.chunks.push(chunk);
    else if (this.size > DRAIN_LIMIT) this.abortRequest?.(new errors.RequestAbortedError());
    return true;
  }

  onComplete(): void {
    const status = this.status!;
    if (status >= 500) return this.settle(this.serverFailure(status));
    // `json` has its slot from the start: parseJsonBody fills it on most answers, and a property added later
    // would allocate the object's property store.
    this.settle({ status, headers: this.headers!, body: textOf(this.chunks, this.size), json: undefined });
  }

  onError(err: Error): void {
    const { status } = this;
    // A 5xx whose body could not be drained (or was too long to) is still the 5xx.
    if (status !== undefined && status >= 500) return this.settle(this.serverFailure(status));
    const failure = networkFailure(err, this.scope.backend, { abortedByTimer: this.aborted, fullBudget: this.fullBudget, status });
    this.settle({ failure, status });
  }

  private serverFailure(status: number): AttemptOutcome {
    return { failure: statusFailure(status, this.headers!['retry-after'], this.scope.backend, this.scope.now()), status };
  }

  private settle(outcome: AttemptOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = [];
    this.abortRequest = undefined;
    this.scope.deadlines.delete(this);
    this.resolve(outcome);
  }
}

/** The body as undici's body.text() reads it: UTF-8, a leading byte-order mark dropped. */
function textOf(chunks: Buffer[], size: number): string {
  if (chunks.length === 0 || size === 0) return '';
  const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  const start = buffer.length > 2 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  return buffer.toString('utf8', start);
}

/**
 * The attempts of one client over its pool, built once per client: what every attempt shares (pool, backend,
 * clock, deadlines) is not passed per attempt.
 */
export function attemptsOver(pool: Pool, backend: string, now: () => number): Attempt {
  const scope: AttemptScope = { backend, now, deadlines: new DeadlineWatch<AttemptHandler>({ now: () => performance.now(), holdsProcess: true }) };
  return (path, req, budgetMs, fullBudget) =>
    new Promise((resolve) => {
      const attempt = new AttemptHandler(performance.now() + budgetMs, scope, fullBudget, resolve);
      scope.deadlines.add(attempt);
      // An invalid request (a bad header value) is not thrown: undici hands it to onError, as request() rejected it.
      pool.dispatch({ path, method: req.method, headers: req.headers, body: req.body }, attempt);
    });
}
