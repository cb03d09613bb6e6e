import { answer, closedPort, failure, harness } from './harness';
import { createUpstreamClient } from '../../../src/drivers/http/upstream.client';
import { silentLogger } from '../../../src/core/logger';

const h = harness();

describe('upstream client: pooling and the request on the wire', () => {
  it('reuses keep-alive connections over sequential calls', async () => {
    const server = await h.server(answer(200, '{"ok":true}'));
    const client = h.client(server.url);
    for (let i = 0; i < 20; i += 1) {
      const res = await client.request({ method: 'GET', path: `/items/${i}`, idempotent: true });
      expect(res).toMatchObject({ status: 200, body: '{"ok":true}' });
    }
    expect(server.seen).toHaveLength(20);
    // undici holds a socket back for one event-loop turn after each answer (a guard against servers that close
    // despite keep-alive), so strictly back-to-back calls alternate between two connections.
    expect(server.connections()).toBeLessThanOrEqual(2);
  });

  it('keeps to one connection when calls come in separate event-loop turns, as inbound requests do', async () => {
    const server = await h.server(answer(200, '{}'));
    const client = h.client(server.url);
    for (let i = 0; i < 20; i += 1) {
      await client.request({ method: 'GET', path: '/', idempotent: true });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(server.connections()).toBe(1);
  });

  it('puts the baseUrl path prefix before every path and sends method, headers and body as given', async () => {
    const server = await h.server(answer(201, '{"id":"I1"}', { location: '/x' }));
    const client = h.client(`${server.url}/nexus/v3/`);
    const res = await client.request({
      method: 'POST',
      path: '/svc/interactions/a%2Fb',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k1' },
      body: '{"a":1}',
      idempotent: false,
    });
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe('/x');
    expect(server.seen[0]).toMatchObject({
      method: 'POST',
      url: '/nexus/v3/svc/interactions/a%2Fb',
      body: '{"a":1}',
      headers: expect.objectContaining({ 'content-type': 'application/json', 'x-api-key': 'k1' }),
    });
  });

  it('returns 4xx answers with their body for the driver to map', async () => {
    const server = await h.server(answer(404, '{"error":"nope"}'));
    const res = await h.client(server.url).request({ method: 'GET', path: '/i/1', idempotent: true });
    expect(res).toMatchObject({ status: 404, body: '{"error":"nope"}' });
  });

  it('refuses an answer body over 4 MiB as upstream_rejected', async () => {
    const server = await h.server(answer(200, 'x'.repeat(5 * 1024 * 1024)));
    const err = await failure(h.client(server.url).request({ method: 'GET', path: '/big', idempotent: true }));
    expect(err.code).toBe('upstream_rejected');
    expect(err.details.upstreamStatus).toBe(200);
  });

  it('refuses a baseUrl carrying credentials without echoing them', () => {
    const make = () =>
      createUpstreamClient({
        backendName: 'sim',
        baseUrl: 'http://user:s3cret@127.0.0.1:1/x',
        timeoutMs: 100,
        retries: 0,
        breakerThreshold: 1,
        breakerResetMs: 100,
        connections: 1,
        logger: silentLogger,
      });
    expect(make).toThrow(/without credentials/);
    expect(make).not.toThrow(/s3cret/);
  });

  it('fails calls made after close() without reaching a server', async () => {
    const port = await closedPort();
    const server = await h.server(answer(200, '{}'), port);
    const client = h.client(server.url);
    await client.close();
    await client.close();
    const err = await failure(client.request({ method: 'GET', path: '/', idempotent: true }));
    expect(err.code).toBe('upstream_unavailable');
    expect(server.seen).toHaveLength(0);
  });
});
