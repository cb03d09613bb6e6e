import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '../../../src/core/errors';
import { silentLogger } from '../../../src/core/logger';
import type { UpstreamClient } from '../../../src/drivers/http/upstream';
import { createUpstreamClient, type UpstreamClientOptions } from '../../../src/drivers/http/upstream.client';

export { closedPort } from '../../support/fake-upstream';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** `n` counts requests from 1, so a handler can answer differently per attempt. */
export type Handler = (req: IncomingMessage, res: ServerResponse, n: number, body: string) => void;

export interface TestServer {
  url: string;
  port: number;
  /** TCP connections accepted so far. */
  connections: () => number;
  seen: Seen[];
  close(): Promise<void>;
}

export async function startServer(handler: Handler, port = 0): Promise<TestServer> {
  const seen: Seen[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, seen.length, body);
    });
  });
  server.on('connection', () => (connections += 1));
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    connections: () => connections,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const answer =
  (status: number, body = '', headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };

/** Servers and clients made through it are closed after each test, servers first so held requests end. */
export function harness() {
  const servers: TestServer[] = [];
  const clients: UpstreamClient[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  return {
    server: async (handler: Handler, port?: number): Promise<TestServer> => {
      const s = await startServer(handler, port);
      servers.push(s);
      return s;
    },
    client: (baseUrl: string, overrides: Partial<UpstreamClientOptions> = {}): UpstreamClient => {
      const c = createUpstreamClient({
        backendName: 'sim',
        baseUrl,
        // An upstream that answers is never taken for a hung one on a loaded machine; tests of hangs set their own.
        timeoutMs: 10_000,
        retries: 0,
        breakerThreshold: 100,
        breakerResetMs: 1000,
        connections: 4,
        logger: silentLogger,
        random: () => 0,
        ...overrides,
      });
      clients.push(c);
      return c;
    },
  };
}

/** Resolves to the GatewayError the call failed with, so its code and details can be asserted. */
export async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}
