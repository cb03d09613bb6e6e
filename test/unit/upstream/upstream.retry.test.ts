import { silentLogger } from '../../../src/core/logger';
import { backoffMs } from '../../../src/drivers/http/upstream.backoff';
import { answer, closedPort, failure, harness, type Handler, type TestServer } from './harness';

const h = harness();

describe('upstream client: retries', () => {
  it('retries an idempotent GET on 503 until it succeeds', async () => {
    const server = await h.server((req, res, n) => answer(n < 3 ? 503 : 200, '{"id":"I1"}')(req, res, n, ''));
    const res = await h.client(server.url, { retries: 2 }).request({ method: 'GET', path: '/i/I1', idempotent: true });
    expect(res.status).toBe(200);
    expect(server.seen).toHaveLength(3);
  });

  it('retries an idempotent GET after a timeout', async () => {
    const server = await h.server((req, res, n) => {
      if (n > 1) answer(200, '{}')(req, res, n, '');
    });
    // The first attempt never answers; the second one's answer must beat the timer, so it is not a short one.
    const res = await h.client(server.url, { retries: 1, timeoutMs: 1000 }).request({ method: 'GET', path: '/', idempotent: true });
    expect(res.status).toBe(200);
    expect(server.seen).toHaveLength(2);
  });

  it('does not retry a 503 whose Retry-After is beyond the backoff cap, and hands the wait to the caller', async () => {
    const server = await h.server(answer(503, '', { 'retry-after': '7' }));
    const err = await failure(h.client(server.url, { retries: 3 }).request({ method: 'GET', path: '/', idempotent: true }));
    expect(err.details.retryAfterSeconds).toBe(7);
    expect(server.seen).toHaveLength(1);
  });

  it('never sleeps past the deadline', async () => {
    const server = await h.server(answer(503));
    // Each sleep as it is decided (logged), with the last reading of the client's clock before it.
    let clock = 0;
    const now = (): number => (clock = Date.now());
    const sleeps: { at: number; delayMs: number }[] = [];
    const logger = { ...silentLogger, debug: (_m: string, fields?: Record<string, unknown>) => void sleeps.push({ at: clock, delayMs: fields?.delayMs as number }) };
    const client = h.client(server.url, { retries: 20, random: () => 1, logger, now });
    // Backoff of 50, 100, 200, 400 and 800 ms fits in 2 s, the next 1 s does not. Attempts answer at once; on a
    // loaded machine fewer fit, and the last may be cut by the deadline itself (a timeout then, not the 503).
    const deadline = Date.now() + 2000;
    const err = await failure(client.request({ method: 'GET', path: '/', idempotent: true, deadline }));
    expect(err.code).toMatch(/^upstream_(unavailable|timeout)$/);
    expect(server.seen.length).toBeLessThanOrEqual(6);
    expect(sleeps.length).toBeLessThanOrEqual(5);
    for (const { at, delayMs } of sleeps) expect(at + delayMs).toBeLessThan(deadline);
    // Twenty retries sleeping past the deadline would take over 15 s.
    expect(Date.now()).toBeLessThan(deadline + 5000);
  });

  describe('a non-idempotent POST is sent exactly once when it may have reached the upstream', () => {
    const post = { method: 'POST', path: '/interactions', body: '{"a":1}', idempotent: false } as const;
    const cases: Array<[string, Handler]> = [
      ['503', answer(503)],
      ['a timeout', () => undefined],
      ['a reset', (req) => req.socket.destroy()],
    ];
    it.each(cases)('on %s', async (_name, handler) => {
      const server = await h.server(handler);
      const err = await failure(h.client(server.url, { retries: 3, timeoutMs: 150 }).request(post));
      expect(err.code).toMatch(/^upstream_(unavailable|timeout)$/);
      expect(server.seen).toHaveLength(1);
    });
  });

  it('retries a POST whose connection was refused, since it never left, and it arrives once', async () => {
    const port = await closedPort();
    let server: Promise<TestServer> | undefined;
    const client = h.client(`http://127.0.0.1:${port}`, {
      retries: 2,
      random: () => 1,
      // The upstream comes up while the client backs off after the refusal.
      observer: { onCall: () => void (server ??= h.server(answer(201, '{"id":"I1"}'), port)), onBreakerChange: () => undefined },
    });
    const res = await client.request({ method: 'POST', path: '/interactions', body: '{}', idempotent: false });
    expect(res.status).toBe(201);
    expect((await server!).seen).toHaveLength(1);
  });
});

describe('backoffMs', () => {
  it('doubles the full-jitter window from 50 ms up to a 1 s cap', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((i) => backoffMs(i, () => 1))).toEqual([50, 100, 200, 400, 800, 1000, 1000]);
    expect(backoffMs(3, () => 0.5)).toBe(200);
    expect(backoffMs(3, () => 0)).toBe(0);
  });

  it('waits at least a Retry-After within the cap and gives up on a longer one', () => {
    expect(backoffMs(0, () => 0, 1)).toBe(1000);
    expect(backoffMs(0, () => 0, 0)).toBe(0);
    expect(backoffMs(0, () => 0, 2)).toBeUndefined();
  });
});
