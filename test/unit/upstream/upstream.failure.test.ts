import type { UpstreamObserver } from '../../../src/drivers/http/upstream';
import { parseRetryAfter } from '../../../src/drivers/http/upstream.failure';
import { answer, closedPort, failure, harness } from './harness';

const h = harness();
const hang = () => undefined;

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

describe('upstream client: failures mapped to GatewayError', () => {
  it('gives upstream_timeout when the upstream does not answer within timeoutMs', async () => {
    const server = await h.server(hang);
    const client = h.client(server.url, { timeoutMs: 150 });
    const { result: err, ms } = await timed(() => failure(client.request({ method: 'GET', path: '/slow', idempotent: false })));
    expect(err.code).toBe('upstream_timeout');
    expect(err.message).toBe('Backend sim did not answer in time');
    expect(ms).toBeGreaterThanOrEqual(140);
    // Cut by the timer, however late a loaded machine runs it: the harness's default timeout is 10 s.
    expect(ms).toBeLessThan(5000);
  });

  it('stops an attempt at the caller deadline when it comes before timeoutMs', async () => {
    const server = await h.server(hang);
    const client = h.client(server.url, { timeoutMs: 10_000 });
    const { result: err, ms } = await timed(() =>
      failure(client.request({ method: 'GET', path: '/slow', idempotent: true, deadline: Date.now() + 120 })),
    );
    expect(err.code).toBe('upstream_timeout');
    expect(ms).toBeGreaterThanOrEqual(100);
    // At the deadline, not at the 10 s timeout.
    expect(ms).toBeLessThan(5000);
  });

  it('starts no attempt once the deadline has passed', async () => {
    const server = await h.server(answer(200, '{}'));
    const err = await failure(h.client(server.url).request({ method: 'GET', path: '/', idempotent: true, deadline: Date.now() - 1 }));
    expect(err.code).toBe('upstream_timeout');
    expect(server.seen).toHaveLength(0);
  });

  it('gives upstream_unavailable with the socket code when the connection is refused', async () => {
    const port = await closedPort();
    const err = await failure(h.client(`http://127.0.0.1:${port}`).request({ method: 'GET', path: '/', idempotent: true }));
    expect(err.code).toBe('upstream_unavailable');
    expect(err.message).toBe('Backend sim is unavailable');
    expect(err.details.upstreamCode).toBe('ECONNREFUSED');
  });

  it('gives upstream_unavailable when the upstream drops the socket mid-answer', async () => {
    const server = await h.server((req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"partial":');
      setTimeout(() => req.socket.destroy(), 10);
    });
    const err = await failure(h.client(server.url).request({ method: 'GET', path: '/', idempotent: false }));
    expect(err.code).toBe('upstream_unavailable');
    expect(err.details.upstreamCode).toEqual(expect.any(String));
  });

  it('gives upstream_unavailable when the upstream drops the socket before answering', async () => {
    const server = await h.server((req) => req.socket.destroy());
    const err = await failure(h.client(server.url).request({ method: 'GET', path: '/', idempotent: false }));
    expect(err.code).toBe('upstream_unavailable');
  });

  it('keeps a 503 status and its Retry-After seconds in details, and no upstream body in the message', async () => {
    const server = await h.server(answer(503, 'secret stack trace', { 'retry-after': '7' }));
    const err = await failure(h.client(server.url).request({ method: 'GET', path: '/', idempotent: false }));
    expect(err.code).toBe('upstream_unavailable');
    expect(err.details).toEqual({ upstreamStatus: 503, retryAfterSeconds: 7, applied: 'no' });
    expect(err.message).not.toMatch(/secret|127\.0\.0\.1/);
  });

  it('maps 504 to upstream_timeout and other 5xx to upstream_unavailable', async () => {
    const server = await h.server((_req, res, n) => answer(n === 1 ? 504 : 500)(_req, res, n, ''));
    const client = h.client(server.url);
    expect(await failure(client.request({ method: 'GET', path: '/', idempotent: true }))).toMatchObject({
      code: 'upstream_timeout',
      details: { upstreamStatus: 504 },
    });
    expect(await failure(client.request({ method: 'GET', path: '/', idempotent: true }))).toMatchObject({
      code: 'upstream_unavailable',
      details: { upstreamStatus: 500 },
    });
  });

  it('tells the observer about every attempt', async () => {
    const calls: Parameters<UpstreamObserver['onCall']>[0][] = [];
    const observer: UpstreamObserver = { onCall: (e) => calls.push(e), onBreakerChange: () => undefined };
    const server = await h.server((_req, res, n) => answer(n === 1 ? 503 : 200, '{}')(_req, res, n, ''));
    await h.client(server.url, { observer, retries: 1 }).request({ method: 'GET', path: '/', idempotent: true });
    expect(calls).toEqual([
      { backend: 'sim', method: 'GET', status: 503, error: expect.objectContaining({ code: 'upstream_unavailable' }), seconds: expect.any(Number) },
      { backend: 'sim', method: 'GET', status: 200, seconds: expect.any(Number) },
    ]);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T10:00:00Z');
  it.each([
    ['7', 7],
    [' 120 ', 120],
    ['Wed, 01 May 2024 10:00:30 GMT', 30],
    ['Wed, 01 May 2024 09:00:00 GMT', 0],
    ['soon', undefined],
    ['-3', undefined],
    ['', undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
