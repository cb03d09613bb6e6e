import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countingNexusRelay, delayed, FakeUpstream } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { ensureBuilt, freePort, isListening, killAll, omgw, type Run } from '../support/omgw-process';
import { describeWithRedis, startRedis, type RedisServer } from '../support/redis';

/**
 * Scale-out of the outbox (DESIGN §7): two gateway processes on one real Redis, each with `outbox: true` for the
 * same backend, queue creates while the upstream is down; when it is back, one worker at a time (a lease in Redis)
 * delivers each exactly once, and a reserved id answers through either process. (scale-out.e2e.test.ts covers
 * idempotency and shared interactions across replicas.)
 */

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  json: Record<string, any>;
}

const nexus = async (port: number, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> => {
  const res = await fetch(`http://127.0.0.1:${port}/nexus/v3/openmedia${path}`, {
    method,
    headers: { 'x-api-key': 'client', ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
};

describeWithRedis('outbox shared by two gateway processes on one Redis', () => {
  let dir: string;
  let redis: RedisServer;
  let back: TestGateway;
  const { handler: relay, applied } = countingNexusRelay(() => back.url);
  let upstreamUp = true;
  // Creates take a moment upstream, so that two sent at once really overlap.
  const slowRelay = delayed(300, relay);
  const upstream = new FakeUpstream((req, res, seen) => {
    if (!upstreamUp) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":{"code":503,"message":"down"}}');
    (seen.method === 'POST' && seen.path.endsWith('/interactions') ? slowRelay : relay)(req, res, seen);
  });
  const ports: number[] = [];
  const processes: Run[] = [];

  async function startProcess(name: string): Promise<number> {
    const port = await freePort();
    const config = {
      server: { port, host: '127.0.0.1' },
      inbound: { nexus: { apiKeys: { client: { services: ['*'] } } } },
      backends: { cloud: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'k', outbox: true, retries: 0, breakerThreshold: 1000 } },
      store: { kind: 'redis', url: redis.url },
      outbox: { retryMs: 50, maxRetryMs: 200, leaseMs: 1000 },
    };
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(config));
    const run = omgw(['start', '--config', file], { cwd: dir });
    await run.logLine(isListening, 30_000);
    processes.push(run);
    return port;
  }

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'omgw-scale-'));
    redis = await startRedis();
    back = await startGateway({ idempotency: { ttlMs: 1 } });
    await upstream.start();
    ports.push(await startProcess('a'), await startProcess('b'));
  }, 180_000);
  afterAll(async () => {
    for (const p of processes) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    killAll();
    await upstream.close();
    await back?.close();
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates queued through both while the upstream is down are delivered once each, by one worker at a time', async () => {
    const [a, b] = ports as [number, number];
    upstreamUp = false;
    const externalIds = Array.from({ length: 20 }, (_, i) => `queued-${i}`);
    const answers = await Promise.all(externalIds.map((externalId, i) => nexus(i % 2 === 0 ? a : b, 'POST', '/orders/interactions', { externalId })));
    expect(answers.map((x) => x.status)).toEqual(externalIds.map(() => 202));
    // A reserved id answers through the other process too.
    const reserved = answers[0]!.json.data.id as string;
    expect((await nexus(b, 'GET', `/orders/interactions/${reserved}`)).json.data).toMatchObject({ id: reserved, state: 'queued' });
    upstreamUp = true;
    for (let i = 0; i < 400 && externalIds.some((e) => applied.get(e) !== 1); i += 1) await sleep(50);
    expect(externalIds.filter((e) => applied.get(e) !== 1)).toEqual([]);
    expect((await nexus(b, 'GET', `/orders/interactions/${reserved}`)).json.data.id).not.toBe(reserved);
  }, 60_000);
});
