import { connect, type Socket } from 'node:net';
import { startGateway, type TestGateway } from '../support/gateway';

/**
 * Slow and idle clients are cut at the configured times (server.headersTimeoutMs, requestTimeoutMs,
 * keepAliveTimeoutMs) and connections are capped (server.maxConnections). Raw sockets, so the client can be as
 * slow as it likes. Times are generous: the point is that a connection ends, not when to the millisecond.
 */

const SERVER = { requestTimeoutMs: 1000, headersTimeoutMs: 500, keepAliveTimeoutMs: 300, maxConnections: 4 };
const GMS = '/genesys/2/openmedia/svc';

interface RawConnection {
  socket: Socket;
  /** Everything received so far. */
  text(): string;
  /** Resolves with the time from open to close, in ms. */
  closed: Promise<number>;
}

function open(gw: TestGateway): Promise<RawConnection> {
  const { hostname, port } = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect({ host: hostname, port: Number(port) });
    let received = '';
    socket.on('data', (chunk: Buffer) => void (received += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - started)));
    socket.once('connect', () => resolve({ socket, text: () => received, closed }));
    socket.once('error', reject);
  });
}

const within = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms).unref())]);

/** The status of the first /healthz answered on a fresh connection; one closed unanswered is tried again, for 5 s. */
async function servedAgain(gw: TestGateway): Promise<number | undefined> {
  for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
    const c = await open(gw);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n');
    await c.closed;
    const status = /^HTTP\/1\.1 (\d{3}) /.exec(c.text())?.[1];
    if (status !== undefined) return Number(status);
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

const bodyOf = (raw: string): any => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));

describe('slow and idle clients', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ server: SERVER });
  });
  afterAll(() => gw.close());

  it('slow headers are cut at headersTimeoutMs with a 408', async () => {
    const c = await open(gw);
    c.socket.write(`POST ${GMS} HTTP/1.1\r\nHost: gw\r\nX-Slow: `);
    const ms = await within(c.closed, 5000);
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(c.text()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a slow body is cut at requestTimeoutMs with the dialect’s 408, and the connection closes', async () => {
    const gms = await open(gw);
    gms.socket.write(`POST ${GMS} HTTP/1.1\r\nHost: gw\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nexternal`);
    const nexus = await open(gw);
    nexus.socket.write('POST /nexus/v3/openmedia/svc/interactions HTTP/1.1\r\nHost: gw\r\nx-api-key: k\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ext');
    // A byte now and then does not buy more time.
    const trickle = setInterval(() => nexus.socket.write(' '), 150);
    try {
      const [gmsMs, nexusMs] = await within(Promise.all([gms.closed, nexus.closed]), 6000);
      for (const ms of [gmsMs, nexusMs]) expect(ms).toBeGreaterThanOrEqual(900);
    } finally {
      clearInterval(trickle);
    }
    expect(gms.text()).toMatch(/^HTTP\/1\.1 408 /);
    expect(gms.text()).toMatch(/\r\nconnection: close\r\n/i);
    expect(bodyOf(gms.text())).toEqual({ statusCode: 2, errors: [{ code: 200, advice: 'Request not received in time' }] });
    expect(nexus.text()).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(nexus.text())).toEqual({ status: { code: 408, message: 'Request not received in time' } });
  });

  it('an idle keep-alive connection closes after keepAliveTimeoutMs', async () => {
    const c = await open(gw);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n');
    await within(c.closed, 5000);
    expect(c.text()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('connections past maxConnections are closed unanswered, and served again once others go', async () => {
    const held = await Promise.all([0, 1, 2, 3].map(() => open(gw)));
    // The server counts a connection once it has accepted it: give the four a moment to be counted.
    await new Promise((r) => setTimeout(r, 100));
    const extra = await open(gw);
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n');
    await within(extra.closed, 5000);
    expect(extra.text()).toBe('');
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    // The server counts a connection gone once it has seen it close, a moment after this side did: a connection
    // refused in that moment is closed unanswered, as above, and the next one is served.
    expect(await servedAgain(gw)).toBe(200);
  });
});
