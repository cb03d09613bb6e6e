import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';

/** What the fake saw of one request, once its body had arrived whole. */
export interface Recorded {
  method: string;
  /** The request target as sent: path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A ready answer: the status, and a JSON value or raw text (neither: an empty body); JSON content type unless `headers` say otherwise. */
export interface Canned {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** Anything else: a fault, a slow answer, a relay. `seen` is the request as recorded, body included. */
export type Handler = (req: IncomingMessage, res: ServerResponse, seen: Recorded) => void;

export type Reply = Canned | Handler;

/** Turns a reply into the handler that plays it, so handlers can pick or wrap replies. */
export const serve =
  (reply: Reply): Handler =>
  (req, res, seen) => {
    if (typeof reply === 'function') return reply(req, res, seen);
    const body = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(body);
  };

/**
 * An HTTP upstream on 127.0.0.1 and a free port that records every request and answers from a queue the test
 * fills; past the queue, with the default it was made with.
 */
export class FakeUpstream {
  readonly recorded: Recorded[] = [];
  url = '';
  private queue: Reply[] = [];
  private after: Reply;
  private readonly open = new Set<ServerResponse>();
  private server: Server | undefined;

  constructor(private readonly byDefault: Reply = { status: 500 }) {
    this.after = byDefault;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.open.add(res);
      res.once('close', () => this.open.delete(res));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seen: Recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.recorded.push(seen);
        serve(this.queue.shift() ?? this.after)(req, res, seen);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** A fresh exchange: the record emptied, then these answers to the next requests in order; past them, the default. */
  answer(...replies: Reply[]): void {
    this.recorded.length = 0;
    this.queue = replies;
    this.after = this.byDefault;
  }

  /**
   * From now on, in turn: the n-th next request gets the n-th reply, and the last one answers every request after.
   * The record is kept, so counts run on across changes of answer.
   */
  respond(...replies: [Reply, ...Reply[]]): void {
    this.queue = replies.slice(0, -1);
    this.after = replies[replies.length - 1]!;
  }

  /** Requests seen for `METHOD path` (query included). */
  count(key: string): number {
    return this.recorded.filter((r) => `${r.method} ${r.path}` === key).length;
  }

  total(): number {
    return this.recorded.length;
  }

  async close(): Promise<void> {
    // Hung answers would otherwise keep the server (and jest) alive.
    for (const res of this.open) res.destroy();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// ── replies beyond a canned answer ───────────────────────────────────────────────────────────────────────────

/** Never answers: the client's attempt timer is the only way out. */
export const hang: Handler = () => undefined;

/** The request is read, then the connection is dropped before a byte of the answer. */
export const resetBeforeAnswer: Handler = (req) => req.socket.destroy();

/** Headers and part of the body, then the connection is dropped. */
export const resetMidBody: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
  res.write('{"status":{"code":0},"data":{"id":"', () => res.socket?.destroy());
};

/** Headers and the start of a body, then silence: a timer must cover the whole body, not just the headers. */
export const stallBody: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
  res.write('{"status":{"code":0},"data":{"id":"');
};

/** A 200 that streams `bytes` of filler, for limits on what a client buffers. */
export const hugeBody =
  (bytes: number): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  };

/** `then`, after `ms`; nothing if the connection closes first. */
export const delayed =
  (ms: number, then: Reply): Handler =>
  (req, res, seen) => {
    const timer = setTimeout(() => serve(then)(req, res, seen), ms);
    res.once('close', () => clearTimeout(timer));
  };

/**
 * `then`, held back until the test calls `release()`: an answer that is slow for exactly as long as the test needs
 * it to be (another call overtaking it), however slow the machine. Nothing if the connection closes first.
 */
export function heldBack(then: Reply): { handler: Handler; release(): void } {
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const handler: Handler = (req, res, seen) => {
    void released.then(() => {
      if (!res.destroyed) serve(then)(req, res, seen);
    });
  };
  return { handler, release };
}

/** Transport headers an HTTP client adds on its own; every other header is the caller's. */
export const TRANSPORT_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/** The headers a request's sender chose, without the transport ones. */
export const senderHeaders = (r: Recorded): Record<string, unknown> =>
  Object.fromEntries(Object.entries(r.headers).filter(([name]) => !TRANSPORT_HEADERS.has(name)));

/** Sends the recorded request to the server at `base()` and reads its whole answer. */
async function relay(base: () => string, seen: Recorded): Promise<Canned> {
  const headers = Object.fromEntries(
    Object.entries(seen.headers).filter((e): e is [string, string] => typeof e[1] === 'string' && !TRANSPORT_HEADERS.has(e[0])),
  );
  const answer = await fetch(base() + seen.path, { method: seen.method, headers, ...(seen.body === '' ? {} : { body: seen.body }) });
  return { status: answer.status, text: await answer.text(), headers: { 'content-type': answer.headers.get('content-type') ?? 'application/json' } };
}

/** Passes the request on to the server at `base()` and relays its answer: the fake becomes a transparent recorder. */
export const forwardTo =
  (base: () => string): Handler =>
  (req, res, seen) => {
    relay(base, seen).then(
      (answer) => serve(answer)(req, res, seen),
      () => res.destroy(),
    );
  };

/**
 * An upstream that really applies the request (on the server at `base()`) and then loses the answer: the connection
 * is reset (`reset`) or the answer comes only after `lateMs`, past the client's timeout.
 */
export const appliedThen =
  (base: () => string, fault: 'reset' | { lateMs: number }): Handler =>
  (req, res, seen) => {
    relay(base, seen).then(
      (answer) => (fault === 'reset' ? req.socket.destroy() : delayed(fault.lateMs, answer)(req, res, seen)),
      () => res.destroy(),
    );
  };

// ── upstreams that are not HTTP servers at all ──────────────────────────────────────────────────────────────

/** A port nothing listens on: bound, then closed, so connecting is refused at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that answers whatever it is sent with bytes that are not HTTP (here, an SSH banner). */
export async function notHttpUpstream(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', () => {
      received += 1;
      socket.end('SSH-2.0-OpenSSH_9.6\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A relay to the Nexus server at `base()` (as forwardTo) that counts each create it accepted, by the externalId the
 * create carried, in the order they were accepted: the proof that an upstream holds each create exactly once.
 */
export function countingNexusRelay(base: () => string): { handler: Handler; applied: Map<string, number>; order: string[] } {
  const applied = new Map<string, number>();
  const order: string[] = [];
  const relayed = forwardTo(base);
  const handler: Handler = (req, res, seen) => {
    const end = res.end.bind(res);
    res.end = ((...args: Parameters<typeof res.end>) => {
      if (seen.method === 'POST' && seen.path.endsWith('/interactions') && res.statusCode === 200) {
        const externalId = (JSON.parse(seen.body) as { externalId?: string }).externalId ?? '';
        applied.set(externalId, (applied.get(externalId) ?? 0) + 1);
        order.push(externalId);
      }
      return end(...args);
    }) as typeof res.end;
    relayed(req, res, seen);
  };
  return { handler, applied, order };
}

/**
 * A Nexus upstream that is down (503, Nexus envelope) until `up` is set, then a countingNexusRelay to `base()`:
 * for the outbox tests, whose creates are queued while it is down and delivered once it is back.
 */
export function downThenUpNexus(base: () => string): { upstream: FakeUpstream; applied: Map<string, number>; state: { up: boolean } } {
  const { handler, applied } = countingNexusRelay(base);
  const state = { up: false };
  const upstream = new FakeUpstream((req, res, seen) => {
    if (!state.up) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":{"code":503,"message":"down"}}');
    handler(req, res, seen);
  });
  return { upstream, applied, state };
}
