import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downThenUpNexus } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { ensureBuilt, freePort, isListening, killAll, omgw, type Run } from '../support/omgw-process';

/**
 * The outbox's durability bar (DESIGN §7), with the gateway as a real process on a SQLite state store: the
 * upstream is down while 500 creates arrive; it comes back while they still arrive; the gateway is killed with
 * SIGKILL mid-load and mid-delivery, then started again on the same file. Every create the gateway acknowledged
 * reaches the upstream exactly once; the clients' retries of the unanswered ones do not make a second one either.
 */

const TOTAL = 500;
const CLIENTS = 20;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let back: TestGateway;
/** The upstream's successful creates by externalId (`applied`): the proof of "exactly once". */
const { upstream, applied, state: upstreamState } = downThenUpNexus(() => back.url);

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'omgw-durability-'));
  // The back plays a plain upstream: its own records lapse at once, so a repeat is refused as a duplicate there.
  back = await startGateway({ idempotency: { ttlMs: 1 } });
  await upstream.start();
}, 180_000);
afterAll(async () => {
  killAll();
  await upstream.close();
  await back?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startProcess(port: number): Promise<Run> {
  const config = {
    server: { port, host: '127.0.0.1', requestTimeoutMs: 3000, shutdownTimeoutMs: 1000 },
    inbound: { nexus: { apiKeys: { client: { services: ['*'] } } } },
    backends: {
      cloud: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'k', outbox: true, retries: 0, timeoutMs: 2000, breakerThreshold: 1000 },
    },
    store: { kind: 'sqlite', path: join(dir, 'state.db') },
    outbox: { maxItems: 1000, retryMs: 50, maxRetryMs: 200, leaseMs: 1000 },
  };
  const file = join(dir, 'gateway.json');
  writeFileSync(file, JSON.stringify(config));
  const run = omgw(['start', '--config', file], { cwd: dir });
  await run.logLine(isListening, 30_000);
  return run;
}

type Outcome = 'acked' | 'unanswered';

async function create(port: number, externalId: string): Promise<{ outcome: Outcome; status?: number }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/nexus/v3/openmedia/orders/interactions`, {
      method: 'POST',
      headers: { 'x-api-key': 'client', 'content-type': 'application/json' },
      body: JSON.stringify({ externalId, userData: { n: externalId } }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.text();
    return res.status === 202 || res.status === 200 ? { outcome: 'acked', status: res.status } : { outcome: 'unanswered', status: res.status };
  } catch {
    return { outcome: 'unanswered' };
  }
}

test('500 creates, upstream down then back, kill -9 mid-load and mid-delivery, restart on the same SQLite file: none lost, none twice', async () => {
  const port = await freePort();
  const first = await startProcess(port);
  const externalIds = Array.from({ length: TOTAL }, (_, i) => `ord-${String(i).padStart(3, '0')}`);
  const acked = new Set<string>();
  const unanswered: string[] = [];
  let killed = false;
  let nextIndex = 0;

  // Clients send one create after another until the gateway dies under them.
  const clients = Array.from({ length: CLIENTS }, async () => {
    while (nextIndex < TOTAL) {
      const externalId = externalIds[nextIndex++]!;
      const { outcome } = killed ? { outcome: 'unanswered' as const } : await create(port, externalId);
      if (outcome === 'acked') acked.add(externalId);
      else unanswered.push(externalId);
    }
  });

  // The upstream comes back once a good part is queued; the gateway is killed once delivery is under way, or at
  // the latest while the last creates are still being sent.
  while (acked.size < 150) await sleep(20);
  upstreamState.up = true;
  while (applied.size < 20 && acked.size < TOTAL - 2 * CLIENTS) await sleep(10);
  first.child.kill('SIGKILL');
  killed = true;
  await first.exited;
  await Promise.all(clients);
  expect(acked.size).toBeGreaterThanOrEqual(150);
  expect(acked.size).toBeLessThan(TOTAL);

  // Restarted on the same file: it delivers what the first one acknowledged, and answers the clients' retries.
  const second = await startProcess(port);
  for (const externalId of unanswered) {
    for (let attempt = 0; ; attempt += 1) {
      const { outcome, status } = await create(port, externalId);
      if (outcome === 'acked') break;
      // 409: the dead process's claim on this create has not lapsed yet (server.requestTimeoutMs + 5 s).
      expect(status === 409 || status === 503).toBe(true);
      expect(attempt).toBeLessThan(100);
      await sleep(200);
    }
  }
  // Delivery runs on after the answers, as long as it makes progress: a loaded machine delivers slowly (every
  // delivery is several fsyncs), a stuck worker delivers nothing. The wait ends 30 s after the last delivery.
  let delivered = -1;
  for (let lastProgress = Date.now(); Date.now() - lastProgress < 30_000 && externalIds.some((e) => applied.get(e) !== 1); await sleep(100)) {
    const now = [...applied.values()].reduce((a, b) => a + b, 0);
    if (now !== delivered) [delivered, lastProgress] = [now, Date.now()];
  }

  // Each create that is not on the upstream exactly once, with the times it is (0: lost, 2: twice).
  const notOnce = (ids: Iterable<string>) => Object.fromEntries([...ids].filter((e) => applied.get(e) !== 1).map((e) => [e, applied.get(e) ?? 0]));
  // A failure shows, with the counts, what the restarted gateway said about its deliveries and how far it got.
  const story = (missing: object) =>
    Object.keys(missing).length === 0 ? {} : { missing, delivered, outboxLog: second.stdout.filter((l) => /utbox|state store/.test(l) && !/"level":"(debug|info)"/.test(l)).slice(0, 20) };
  expect(story(notOnce(acked))).toEqual({});
  expect(story(notOnce(externalIds))).toEqual({});
  expect([...applied.values()].every((count) => count === 1)).toBe(true);
  second.child.kill('SIGTERM');
  await second.exited;
}, 600_000);
