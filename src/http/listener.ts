import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { GatewayError, toGatewayError } from '../core/errors';
import type { SlotSet, Slotted } from '../core/slot-set';
import { readBody, type BodyReceiver } from './body';
import { answerPreflight, preflightOf, type CorsPolicy } from './cors';
import { decodeIdSegment } from './path';
import { requestIdFrom } from './request-id';
import type { DialectRouter, Match } from './router';
import type { Endpoint, InboundRequest, OutboundResponse, RequestFacts } from './wire';

/** What the per-request log line and the metrics are made of. */
export interface RequestRecord {
  requestId: string;
  method: string;
  path: string;
  facts: RequestFacts;
  status: number;
  /** 'ok' or the GatewayError code. */
  outcome: string;
  error?: GatewayError;
  ms: number;
}

export interface ListenerOptions {
  router: DialectRouter;
  bodyLimit: number;
  requestTimeoutMs: number;
  onDone: (record: RequestRecord) => void;
  /** Answers whatever no dialect claims (health, metrics, 404). */
  fallback: RequestListener;
  /** Runs before the body is read; throws a GatewayError to refuse the request (e.g. an address locked out). */
  admit?: (req: InboundRequest) => void;
  /**
   * Requests being handled, each failed with an error by its `fail`: shutdown answers what is still pending with
   * the dialect's "try again" rather than resetting the connection.
   */
  inFlight?: SlotSet<InFlightRequest>;
  /** CORS for browsers (server.cors.origins); undefined when off. */
  cors?: CorsPolicy;
}

/** A dialect request being handled, as shutdown sees it. */
export interface InFlightRequest extends Slotted {
  fail(error: GatewayError): void;
}

/**
 * The gateway's front door on node:http: dialect requests are matched, read, handled and answered here with no
 * framework in between (the hot path); everything else goes to the fallback (the express operations app).
 */
export function createDialectListener(opts: ListenerOptions): RequestListener {
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const started = performance.now();
    if (opts.cors !== undefined && req.method === 'OPTIONS' && answeredPreflight(opts, opts.cors, req, res, path, requestId, started)) return;
    const match = opts.router.match(req.method ?? 'GET', path);
    if (!match) {
      // Every answer carries the id, health checks and 404s included, so a caller can always quote one.
      res.setHeader('x-request-id', requestId);
      // …and gets its one log line, as every request does.
      res.once('close', () => opts.onDone(fallbackRecord(req.method ?? 'GET', path, requestId, res.statusCode, started)));
      opts.fallback(req, res);
      return;
    }
    new Exchange(opts, req, res, match, path, q === -1 ? '' : url.slice(q + 1), requestId, started).start();
  };
}

/**
 * One dialect request from match to answer. A class rather than closures: its steps run on every request, and
 * one object with methods allocates less than a closure per step.
 */
class Exchange implements BodyReceiver, InFlightRequest {
  /** Its place among the requests in flight. */
  slot = -1;
  private readonly inbound: InboundRequest;
  private done = false;

  constructor(
    private readonly opts: ListenerOptions,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly match: Match,
    path: string,
    query: string,
    requestId: string,
    private readonly started: number,
  ) {
    const receivedAt = new Date();
    this.inbound = {
      method: req.method ?? 'GET',
      path,
      params: {},
      query,
      headers: req.headers,
      body: EMPTY,
      requestId,
      receivedAt,
      deadline: receivedAt.getTime() + opts.requestTimeoutMs,
      // Every fact's slot from the start: the dialect and the pipeline fill them in, and a property added later
      // would allocate the object's property store on every request.
      facts: { dialect: match.router.dialect, command: undefined, service: undefined, backend: undefined, client: undefined },
      remoteAddress: req.socket.remoteAddress ?? '',
      client: undefined,
      responseHeaders: {},
    };
    if (opts.cors !== undefined) {
      const origin = req.headers.origin;
      if (origin !== undefined && opts.cors.allows(origin)) Object.assign(this.inbound.responseHeaders, opts.cors.answerHeaders(origin));
    }
  }

  start(): void {
    const { opts, inbound, match } = this;
    try {
      const { endpoint } = match;
      if (!endpoint) {
        throw match.methodNotAllowed
          ? new GatewayError('invalid_request', `Method ${inbound.method} is not allowed here`, { reason: 'method_not_allowed' })
          : new GatewayError('not_found', `No such resource: ${inbound.path}`, { subject: 'interaction' });
      }
      opts.admit?.(inbound);
      for (const name in match.rawParams) inbound.params[name] = decodeIdSegment(match.rawParams[name]!, name);
      opts.inFlight?.add(this);
      readBody(this.req, opts.bodyLimit, inbound.deadline, this);
    } catch (err) {
      // The body was not read: drain it so the connection can be reused.
      this.req.resume();
      this.fail(err);
    }
  }

  /** The body is in (readBody's BodyReceiver): the request is handled. */
  bodyRead(error: GatewayError | undefined, body: Buffer): void {
    if (error) return this.fail(error);
    this.inbound.body = body;
    this.handle(this.match.endpoint!);
  }

  private handle(endpoint: Endpoint): void {
    let answer: Promise<OutboundResponse>;
    try {
      answer = endpoint.handle(this.inbound);
    } catch (err) {
      return this.fail(err);
    }
    answer.then(
      (response) => this.finish(response),
      (err: unknown) => this.fail(err),
    );
  }

  fail(err: unknown): void {
    const error = toGatewayError(err);
    let response: OutboundResponse;
    try {
      response = this.match.router.renderError(error, this.inbound);
    } catch {
      response = { status: 500, body: { error: 'Internal error' } };
    }
    this.finish(response, error);
  }

  private finish(response: OutboundResponse, error?: GatewayError): void {
    // Once answered (e.g. "try again" at shutdown), a handler that ends later changes nothing.
    if (this.done) return;
    this.done = true;
    const { opts, inbound, res } = this;
    opts.inFlight?.delete(this);
    // A request cut off mid-body leaves unread bytes on the connection: it cannot carry another request.
    if (error?.details.reason === 'timeout') res.setHeader('connection', 'close');
    send(res, inbound, response);
    opts.onDone({
      requestId: inbound.requestId,
      method: inbound.method,
      path: inbound.path,
      facts: inbound.facts,
      status: response.status,
      outcome: error ? error.code : 'ok',
      error,
      ms: performance.now() - this.started,
    });
  }
}

const EMPTY = Buffer.alloc(0);

/** The dialects' own routes are preflighted here; a preflight of anything else is an ordinary request. */
function answeredPreflight(
  opts: ListenerOptions,
  cors: CorsPolicy,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  requestId: string,
  started: number,
): boolean {
  const preflight = preflightOf('OPTIONS', req.headers);
  const match = preflight && opts.router.match(preflight.method, path);
  if (!preflight || !match?.endpoint) return false;
  req.resume();
  const answer = answerPreflight(cors, preflight, requestId);
  res.writeHead(answer.status, { ...answer.headers, 'content-length': 0 }).end();
  const error = answer.status === 403 ? new GatewayError('forbidden', `Origin ${preflight.origin.slice(0, 100)} is not in server.cors.origins`) : undefined;
  opts.onDone({
    requestId,
    method: 'OPTIONS',
    path,
    facts: { dialect: match.router.dialect },
    status: answer.status,
    outcome: error ? error.code : 'ok',
    ...(error && { error }),
    ms: performance.now() - started,
  });
  return true;
}

/** What no dialect claimed (health, metrics, unknown paths): logged as the operations endpoints' own. */
function fallbackRecord(method: string, path: string, requestId: string, status: number, started: number): RequestRecord {
  const error = status === 404 ? new GatewayError('not_found', `No route for ${method} ${path.slice(0, 200)}`) : undefined;
  return {
    requestId,
    method,
    path,
    facts: { dialect: OPS },
    status,
    outcome: error ? error.code : status < 400 ? 'ok' : `http_${status}`,
    ...(error && { error }),
    ms: performance.now() - started,
  };
}

/** The `dialect` of requests the operations app answers. */
export const OPS = 'ops';

function send(res: ServerResponse, req: InboundRequest, response: OutboundResponse): void {
  if (res.headersSent || res.destroyed) return;
  let payload: string | Buffer;
  let contentType = response.contentType;
  if (response.body === undefined) payload = '';
  else if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) payload = response.body;
  else {
    payload = JSON.stringify(response.body);
    contentType ??= 'application/json; charset=utf-8';
  }
  // Built by assignment, not by spreading two objects into a third: this runs on every answer.
  const headers: Record<string, string | number> = { 'x-request-id': req.requestId };
  for (const name in req.responseHeaders) headers[name] = req.responseHeaders[name]!;
  if (response.headers !== undefined) for (const name in response.headers) headers[name] = response.headers[name]!;
  headers['content-length'] = Buffer.byteLength(payload);
  if (contentType) headers['content-type'] = contentType;
  res.writeHead(response.status, headers);
  res.end(payload);
}

