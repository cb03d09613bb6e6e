import type { BreakerState, UpstreamObserver } from '../../../src/drivers/http/upstream';
import { createBreaker } from '../../../src/drivers/http/upstream.breaker';
import { answer, closedPort, failure, harness, type Handler } from './harness';

const h = harness();
const get = { method: 'GET', path: '/', idempotent: true } as const;

/** A clock the test moves, so the open period passes without waiting. */
function setup() {
  let t = 1_000_000;
  const changes: BreakerState[] = [];
  const calls: unknown[] = [];
  const observer: UpstreamObserver = { onCall: (e) => calls.push(e), onBreakerChange: (e) => changes.push(e.state) };
  return {
    changes,
    calls,
    advance: (ms: number) => void (t += ms),
    options: { breakerThreshold: 3, breakerResetMs: 5000, now: () => t, observer },
  };
}

/** Answers with whatever `status.current` is at the time. */
function switchable(initial: number, delayMs = 0): { handler: Handler; status: { current: number } } {
  const status = { current: initial };
  const handler: Handler = (req, res, n) => {
    const code = status.current;
    setTimeout(() => answer(code, '{}')(req, res, n, ''), delayMs);
  };
  return { handler, status };
}

describe('upstream client: circuit breaker', () => {
  it('reports its initial closed state when created, so a backend that never failed still shows one', () => {
    const { options, changes, calls } = setup();
    const client = h.client('http://127.0.0.1:9', options);
    expect(changes).toEqual(['closed']);
    expect(client.breakerState()).toBe('closed');
    expect(calls).toHaveLength(0);
  });

  it('opens after breakerThreshold consecutive failures, then fails fast without I/O', async () => {
    const { options, changes, calls } = setup();
    const server = await h.server(answer(503));
    const client = h.client(server.url, options);
    for (let i = 0; i < 3; i += 1) expect((await failure(client.request(get))).details.upstreamStatus).toBe(503);
    expect(client.breakerState()).toBe('open');
    expect(changes).toEqual(['closed', 'open']);

    const err = await failure(client.request(get));
    expect(err).toMatchObject({ code: 'upstream_unavailable', message: 'Backend sim is unavailable', details: { retryAfterSeconds: 5 } });
    expect(server.seen).toHaveLength(3);
    expect(calls).toHaveLength(3);
  });

  it('counts connection failures too', async () => {
    const { options } = setup();
    const client = h.client(`http://127.0.0.1:${await closedPort()}`, options);
    for (let i = 0; i < 3; i += 1) await failure(client.request(get));
    expect(client.breakerState()).toBe('open');
  });

  it('stops retrying once the breaker opens mid-call', async () => {
    const { options } = setup();
    const server = await h.server(answer(503));
    const client = h.client(server.url, { ...options, retries: 10 });
    expect((await failure(client.request(get))).details.upstreamStatus).toBe(503);
    expect(server.seen).toHaveLength(3);
  });

  it('treats 4xx answers as the upstream working', async () => {
    const { options } = setup();
    const { handler, status } = switchable(503);
    const server = await h.server(handler);
    const client = h.client(server.url, options);
    await failure(client.request(get));
    await failure(client.request(get));
    status.current = 404;
    expect((await client.request(get)).status).toBe(404);
    status.current = 503;
    await failure(client.request(get));
    await failure(client.request(get));
    expect(client.breakerState()).toBe('closed');
  });

  it('lets exactly one trial through when half-open and closes on its success', async () => {
    const { options, changes, advance } = setup();
    const { handler, status } = switchable(503, 30);
    const server = await h.server(handler);
    const client = h.client(server.url, options);
    for (let i = 0; i < 3; i += 1) await failure(client.request(get));

    advance(5000);
    status.current = 200;
    const results = await Promise.allSettled([client.request(get), client.request(get), client.request(get)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(server.seen).toHaveLength(4);
    expect(changes).toEqual(['closed', 'open', 'half-open', 'closed']);

    await client.request(get);
    expect(server.seen).toHaveLength(5);
  });

  it('re-opens when the trial fails', async () => {
    const { options, changes, advance } = setup();
    const server = await h.server(answer(503));
    const client = h.client(server.url, options);
    for (let i = 0; i < 3; i += 1) await failure(client.request(get));
    advance(5000);
    expect(client.breakerState()).toBe('half-open');
    await failure(client.request(get));
    expect(changes).toEqual(['closed', 'open', 'half-open', 'open']);
    await failure(client.request(get));
    expect(server.seen).toHaveLength(4);
  });
});

describe('createBreaker', () => {
  const make = () => {
    let t = 0;
    const breaker = createBreaker({ threshold: 2, resetMs: 100, now: () => t, onChange: () => undefined });
    return { breaker, advance: (ms: number) => void (t += ms) };
  };

  it('frees the trial slot when the trial ends without a verdict', () => {
    const { breaker, advance } = make();
    breaker.settle(breaker.admit()!, 'failure');
    breaker.settle(breaker.admit()!, 'failure');
    advance(100);
    const trial = breaker.admit()!;
    expect(breaker.admit()).toBeUndefined();
    breaker.settle(trial, 'neutral');
    expect(breaker.state()).toBe('half-open');
    expect(breaker.admit()).toBeDefined();
  });

  it('ignores late results of attempts admitted before it opened', () => {
    const { breaker, advance } = make();
    const early = breaker.admit()!;
    breaker.settle(breaker.admit()!, 'failure');
    breaker.settle(breaker.admit()!, 'failure');
    advance(100);
    breaker.settle(breaker.admit()!, 'success');
    expect(breaker.state()).toBe('closed');
    breaker.settle(early, 'failure');
    breaker.settle(breaker.admit()!, 'failure');
    expect(breaker.state()).toBe('closed');
  });
});
