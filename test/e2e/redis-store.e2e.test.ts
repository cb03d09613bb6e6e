import { createClient } from '@redis/client';
import { GatewayError } from '../../src/core/errors';
import type { Logger } from '../../src/core/logger';
import { RedisStateStore } from '../../src/store/redis.state-store';
import { startGateway, type TestGateway } from '../support/gateway';
import { describeWithRedis, startRedis, type RedisServer } from '../support/redis';

/** A logger that keeps its lines, to check what an outage logs (and that no secret is in it). */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, message, ...fields }));
  return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

/** Polls `check` until it passes: recovery takes a reconnect, whose timing the loaded machine decides. */
async function eventually(check: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const TRY_AGAIN = { code: 'upstream_unavailable', retryable: true };

describeWithRedis('redis state store: outages', () => {
  let redis: RedisServer;
  beforeEach(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await redis.close();
  });

  test('Redis down: every primitive answers try-again at once; back up: the same store works again', async () => {
    const logger = recordingLogger();
    // A command timeout no refused command could reach on a loaded machine, so "at once" is told from "waited out".
    const store = new RedisStateStore({ url: redis.url, keyPrefix: 'outage:', timeoutMs: 5000, logger });
    try {
      await store.set('before', '1');
      await redis.stop();
      await eventually(async () => expect((await store.health()).ok).toBe(false));
      const started = Date.now();
      for (const attempt of [
        store.get('before'),
        store.set('k', 'v'),
        store.setIfAbsent('k', 'v'),
        store.compareAndSet('k', 'a', 'b'),
        store.delete('k', 'v'),
        store.increment('n'),
        store.enqueue('q', 'i', 'v', 10),
        store.peek('q', 10),
        store.dequeue('q', 'i'),
        store.queueLength('q'),
      ]) {
        const err = await attempt.then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(GatewayError);
        expect(err).toMatchObject(TRY_AGAIN);
      }
      // Refused, not waited out: no request holds a connection for the command timeout while Redis is down.
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await store.health()).toEqual({ ok: false, detail: expect.stringMatching(/^redis: /) });

      await redis.start();
      await eventually(async () => expect(await store.health()).toEqual({ ok: true }));
      // A new, empty Redis: scripts are loaded again on NOSCRIPT, keys start afresh.
      expect(await store.setIfAbsent('after', 'x')).toBe(true);
      expect(await store.enqueue('q', 'i', 'v', 10)).toBe(true);
      expect(await store.peek('q', 10)).toEqual([{ id: 'i', value: 'v' }]);
      const outage = logger.lines.filter((l) => l.includes('State store unreachable'));
      expect(outage).toHaveLength(1);
      expect(logger.lines.some((l) => l.includes('State store reachable again'))).toBe(true);
    } finally {
      await store.close();
    }
  });

  test('a hung Redis: a command gives up after timeoutMs with try-again', async () => {
    const store = new RedisStateStore({ url: redis.url, keyPrefix: 'hung:', timeoutMs: 300, logger: recordingLogger() });
    try {
      await eventually(() => store.set('k', 'v'));
      redis.pause();
      const started = Date.now();
      await expect(store.get('k')).rejects.toMatchObject(TRY_AGAIN);
      expect(Date.now() - started).toBeLessThan(5000);
      redis.resume();
      await eventually(async () => expect(await store.get('k')).toBe('v'));
    } finally {
      redis.resume();
      await store.close();
    }
  });

  test('a full Redis (maxmemory, noeviction) refuses writes as rate_limited, the bounded-buffer answer', async () => {
    const admin = createClient({ url: redis.url });
    await admin.connect();
    const store = new RedisStateStore({ url: redis.url, keyPrefix: 'full:', timeoutMs: 2000, logger: recordingLogger() });
    try {
      await admin.configSet({ maxmemory: '2mb', 'maxmemory-policy': 'noeviction' });
      const big = 'x'.repeat(64 * 1024);
      let refusal: unknown;
      for (let i = 0; i < 200 && refusal === undefined; i++) refusal = await store.set(`big${i}`, big).then(() => undefined, (e: unknown) => e);
      expect(refusal).toMatchObject({ code: 'rate_limited', retryable: true });
      expect(await store.get('big0')).toBe(big);
    } finally {
      await store.close();
      await admin.close();
    }
  });

  test('no log line and no /readyz answer holds the password of the Redis URL', async () => {
    const logger = recordingLogger();
    await redis.stop();
    const gateway: TestGateway = await startGateway(
      { store: { kind: 'redis', url: `redis://omgw:Sup3r-s3cret@127.0.0.1:${redis.port}/0`, timeoutMs: 200 } },
      { logger },
    );
    try {
      const res = await fetch(`${gateway.url}/readyz`);
      const text = await res.text();
      expect(res.status).toBe(503);
      expect(text).not.toContain('Sup3r-s3cret');
      await eventually(async () => expect(logger.lines.some((l) => l.includes('State store unreachable'))).toBe(true));
      expect(logger.lines.join('\n')).not.toContain('Sup3r-s3cret');
      expect(logger.lines.find((l) => l.includes('State store unreachable'))).toContain(`127.0.0.1:${redis.port}`);
    } finally {
      await gateway.close();
    }
  });

  test('/readyz: 503 naming the store while Redis is down, 200 again once it is back', async () => {
    // Down is refused at once; up must never be taken for down on a loaded machine.
    const gateway = await startGateway({ store: { kind: 'redis', url: redis.url, timeoutMs: 5000 } });
    try {
      expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
      await redis.stop();
      await eventually(async () => {
        const res = await fetch(`${gateway.url}/readyz`);
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({ status: 'not ready', store: { ok: false, detail: expect.stringMatching(/^redis: /) } });
      });
      await redis.start();
      await eventually(async () => {
        const res = await fetch(`${gateway.url}/readyz`);
        expect(await res.json()).toMatchObject({ status: 'ready', store: { ok: true } });
        expect(res.status).toBe(200);
      });
    } finally {
      await gateway.close();
    }
  });
});

describeWithRedis('redis state store down: writes that need it answer try-again in every dialect', () => {
  let redis: RedisServer;
  let gateway: TestGateway;
  beforeAll(async () => {
    redis = await startRedis();
    // Down, each write waits out this timeout; up, it must never be taken for down on a loaded machine.
    gateway = await startGateway({ store: { kind: 'redis', url: redis.url, timeoutMs: 1000 } });
  });
  afterAll(async () => {
    await gateway?.close();
    await redis?.close();
  });

  const gmsCreate = (externalId: string) =>
    fetch(`${gateway.url}/genesys/2/openmedia/customer-support`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `externalId=${externalId}&userData%5BOrder%5D=A1`,
    });
  const nexusCreate = (externalId: string) =>
    fetch(`${gateway.url}/nexus/v3/openmedia/customer-support/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: JSON.stringify({ externalId, userData: { Order: 'A1' } }),
    });
  const oracleCreate = (reference: string) =>
    fetch(`${gateway.url}/crmRestApi/resources/11.13.18.05/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ OriginalSystemReference: reference }),
    });

  test('down: GMS statusCode 1, Nexus 503 with Retry-After, Oracle 503; back up: the same creates succeed', async () => {
    await redis.stop();
    await eventually(async () => expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503));

    const gms = await gmsCreate('down-1');
    expect({ status: gms.status, body: await gms.json() }).toEqual({ status: 200, body: { statusCode: 1 } });
    const nexus = await nexusCreate('down-2');
    expect(nexus.status).toBe(503);
    expect(nexus.headers.get('retry-after')).toBe('1');
    expect(await nexus.json()).toEqual({ status: { code: 503, message: expect.any(String) } });
    const oracle = await oracleCreate('down-3');
    expect(oracle.status).toBe(503);
    expect(await oracle.json()).toMatchObject({ status: 503 });

    await redis.start();
    await eventually(async () => expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200));
    expect(await (await gmsCreate('down-1')).json()).toEqual({ statusCode: 0, interactionId: expect.any(String) });
    expect((await nexusCreate('down-2')).status).toBe(200);
    expect((await oracleCreate('down-3')).status).toBe(201);
  });

  test('Oracle create with neither OriginalSystemReference nor Idempotency-Key, Redis down: 503 with nothing created, so the retry makes one', async () => {
    const ORACLE = `${gateway.url}/crmRestApi/resources/11.13.18.05/interactions`;
    const description = `store-outage-${Date.now()}`;
    const create = () => fetch(ORACLE, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Description: description }) });
    const made = async (): Promise<number[]> => {
      const list = (await (await fetch(`${ORACLE}?limit=500`)).json()) as { items: { Description?: string; InteractionId: number }[] };
      return list.items.filter((i) => i.Description === description).map((i) => i.InteractionId);
    };

    await redis.stop();
    await eventually(async () => expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503));
    const refused = await create();
    expect({ status: refused.status, body: await refused.json() }).toMatchObject({ status: 503, body: { status: 503 } });

    await redis.start();
    await eventually(async () => expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200));
    // The refused create was not applied: the memory backend holds none, and the client's retry makes exactly one.
    expect(await made()).toEqual([]);
    const retried = await create();
    expect(retried.status).toBe(201);
    const { InteractionId } = (await retried.json()) as { InteractionId: number };
    expect(await made()).toEqual([InteractionId]);
    expect((await fetch(`${ORACLE}/${InteractionId}`)).status).toBe(200);
  });
});
