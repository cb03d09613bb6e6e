import { GatewayError } from '../../../src/core/errors';
import type { BreakerState, UpstreamObserver, UpstreamRequest, UpstreamResponse } from '../../../src/drivers/http/upstream';
import { answer, failure, harness, type Handler } from './harness';

const h = harness();

/** A driver's reading of an answer: `{"down":true}` is its upstream saying "try again" in an HTTP 200. */
const TRY_AGAIN = '{"down":true}';
const downIn = (res: UpstreamResponse): GatewayError | undefined =>
  res.body === TRY_AGAIN ? new GatewayError('upstream_unavailable', 'Sim is down, try again', { upstreamStatus: res.status, upstreamCode: 1 }) : undefined;

const get: UpstreamRequest = { method: 'GET', path: '/i/I1', idempotent: true, failureInAnswer: downIn };
const post: UpstreamRequest = { method: 'POST', path: '/interactions', body: '{}', idempotent: false, failureInAnswer: downIn };

/** The n-th request gets the n-th handler; the last one answers every request after. */
const inTurn =
  (...handlers: Handler[]): Handler =>
  (req, res, n, body) =>
    handlers[Math.min(n, handlers.length) - 1]!(req, res, n, body);

function recording() {
  const calls: Array<{ status?: number; code?: string }> = [];
  const changes: BreakerState[] = [];
  const observer: UpstreamObserver = {
    onCall: (e) => calls.push({ ...(e.status !== undefined && { status: e.status }), ...(e.error && { code: e.error.code }) }),
    onBreakerChange: (e) => changes.push(e.state),
  };
  return { calls, changes, observer };
}

describe('upstream client: the driver judging an answer (failureInAnswer)', () => {
  it('retries an idempotent request answered "try again" in a 200, and returns the answer that follows', async () => {
    const server = await h.server(inTurn(answer(200, TRY_AGAIN), answer(200, TRY_AGAIN), answer(200, '{"id":"I1"}')));
    const judged: number[] = [];
    const res = await h.client(server.url, { retries: 2 }).request({ ...get, failureInAnswer: (r) => (judged.push(r.status), downIn(r)) });
    expect(res).toMatchObject({ status: 200, body: '{"id":"I1"}' });
    expect(server.seen).toHaveLength(3);
    expect(judged).toEqual([200, 200, 200]);
  });

  it('throws the driver\'s own error when the attempts run out', async () => {
    const server = await h.server(answer(200, TRY_AGAIN));
    const err = await failure(h.client(server.url, { retries: 2 }).request(get));
    expect(err).toMatchObject({ code: 'upstream_unavailable', message: 'Sim is down, try again', details: { upstreamStatus: 200, upstreamCode: 1 } });
    expect(server.seen).toHaveLength(3);
  });

  it('never repeats a request that is not idempotent', async () => {
    const server = await h.server(answer(200, TRY_AGAIN));
    const err = await failure(h.client(server.url, { retries: 3 }).request(post));
    expect(err.code).toBe('upstream_unavailable');
    expect(server.seen).toHaveLength(1);
  });

  it('treats upstream_timeout like upstream_unavailable, and judges answers below 500 other than 2xx too', async () => {
    const server = await h.server(inTurn(answer(404, 'late'), answer(200, '{}')));
    const late = (res: UpstreamResponse): GatewayError | undefined =>
      res.body === 'late' ? new GatewayError('upstream_timeout', 'Sim timed out upstream', { upstreamStatus: res.status }) : undefined;
    expect((await h.client(server.url, { retries: 1 }).request({ ...get, failureInAnswer: late })).status).toBe(200);
    expect(server.seen).toHaveLength(2);
  });

  it('counts as a breaker failure: N "try again" answers open it, and the next call fails fast without I/O', async () => {
    const { calls, changes, observer } = recording();
    const server = await h.server(answer(200, TRY_AGAIN));
    const client = h.client(server.url, { retries: 0, breakerThreshold: 3, breakerResetMs: 60_000, observer });
    for (let i = 0; i < 3; i += 1) expect((await failure(client.request(get))).details.upstreamCode).toBe(1);
    expect(client.breakerState()).toBe('open');
    expect(changes).toEqual(['closed', 'open']);
    // Seen by metrics as failed attempts of an upstream that answered 200.
    expect(calls).toEqual([0, 1, 2].map(() => ({ status: 200, code: 'upstream_unavailable' })));

    const fast = await failure(client.request(get));
    expect(fast).toMatchObject({ code: 'upstream_unavailable', message: 'Backend sim is unavailable', details: { retryAfterSeconds: 60 } });
    expect(server.seen).toHaveLength(3);
  });

  it('a half-open trial answered "try again" opens the breaker again', async () => {
    let t = 0;
    const { changes, observer } = recording();
    const server = await h.server(answer(200, TRY_AGAIN));
    const client = h.client(server.url, { retries: 0, breakerThreshold: 1, breakerResetMs: 1000, now: () => t, observer });
    await failure(client.request(get));
    t += 1000;
    await failure(client.request(get));
    expect(changes).toEqual(['closed', 'open', 'half-open', 'open']);
    expect(server.seen).toHaveLength(2);
  });

  it.each([
    ['upstream_rejected', new GatewayError('upstream_rejected', 'bad answer')],
    ['not_found', new GatewayError('not_found', 'no such interaction')],
    // Retryable for a client, but the upstream is working: not the client's to repeat or count.
    ['rate_limited', new GatewayError('rate_limited', 'slow down')],
  ])('leaves any other verdict (%s) to the driver: the answer is returned, not retried, and counts as a success', async (_code, verdict) => {
    const { calls, observer } = recording();
    const server = await h.server(answer(200, '{"failed":true}'));
    const client = h.client(server.url, { retries: 2, breakerThreshold: 1, observer });
    const res = await client.request({ ...get, failureInAnswer: () => verdict });
    expect(res).toMatchObject({ status: 200, body: '{"failed":true}' });
    expect(server.seen).toHaveLength(1);
    expect(client.breakerState()).toBe('closed');
    expect(calls).toEqual([{ status: 200 }]);
  });

  it('is not asked about a 5xx: the client maps those itself', async () => {
    const server = await h.server(answer(503, TRY_AGAIN));
    const judge = jest.fn(downIn);
    const err = await failure(h.client(server.url).request({ ...get, failureInAnswer: judge }));
    expect(err).toMatchObject({ code: 'upstream_unavailable', message: 'Backend sim is unavailable', details: { upstreamStatus: 503 } });
    expect(judge).not.toHaveBeenCalled();
  });

  describe('a judge that throws is the gateway\'s own bug', () => {
    const broken = (): GatewayError | undefined => {
      throw new TypeError('bug');
    };

    it('internal, not repeated, not held against the upstream', async () => {
      const server = await h.server(answer(200, '{}'));
      const client = h.client(server.url, { retries: 2, breakerThreshold: 1 });
      const err = await failure(client.request({ ...get, failureInAnswer: broken }));
      expect(err).toMatchObject({ code: 'internal', message: 'Internal error' });
      expect(err.cause).toBeInstanceOf(TypeError);
      expect(server.seen).toHaveLength(1);
      expect(client.breakerState()).toBe('closed');
    });

    it('and does not keep the half-open trial slot', async () => {
      let t = 0;
      const server = await h.server(inTurn(answer(503), answer(200, '{}')));
      const client = h.client(server.url, { retries: 0, breakerThreshold: 1, breakerResetMs: 1000, now: () => t });
      await failure(client.request(get));
      t += 1000;
      expect((await failure(client.request({ ...get, failureInAnswer: broken }))).code).toBe('internal');
      expect(client.breakerState()).toBe('half-open');
      expect((await client.request(get)).status).toBe(200);
      expect(client.breakerState()).toBe('closed');
      expect(server.seen).toHaveLength(3);
    });
  });
});
