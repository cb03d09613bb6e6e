import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downThenUpNexus } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { ensureBuilt, freePort, isListening, killAll, omgw, type Run } from '../support/omgw-process';

/**
 * A gateway process that dies between queueing a create in its outbox and recording the answer (DESIGN §7): the
 * SQLite file then holds the queued item and the request's unsettled idempotency claim. The moment is held still
 * with a trigger that refuses to settle the claim — on disk exactly what `kill -9` at that point leaves — then the
 * process is killed with SIGKILL and started again on the same file. The client's retry (same externalId, or same
 * Idempotency-Key) must find the queued item and answer it as pending under the same id: one queue item, one
 * upstream create each, once the upstream is back.
 */

const REQUEST_TIMEOUT_MS = 2000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let dbPath: string;
let back: TestGateway;
const { upstream, applied, state: upstreamState } = downThenUpNexus(() => back.url);

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'omgw-outbox-crash-'));
  dbPath = join(dir, 'state.db');
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
    server: { port, host: '127.0.0.1', requestTimeoutMs: REQUEST_TIMEOUT_MS, shutdownTimeoutMs: 1000 },
    inbound: { nexus: { apiKeys: { client: { services: ['*'] } } } },
    backends: { cloud: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'k', outbox: true, retries: 0, timeoutMs: 1000, breakerThreshold: 1000 } },
    store: { kind: 'sqlite', path: dbPath },
    outbox: { retryMs: 50, maxRetryMs: 200, leaseMs: 1000 },
  };
  const file = join(dir, 'gateway.json');
  writeFileSync(file, JSON.stringify(config));
  const run = omgw(['start', '--config', file], { cwd: dir });
  await run.logLine(isListening, 30_000);
  return run;
}

async function create(port: number, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; id?: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/nexus/v3/openmedia/orders/interactions`, {
    method: 'POST',
    headers: { 'x-api-key': 'client', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const json = (await res.json()) as { data?: { id?: string } };
  return { status: res.status, ...(json.data?.id !== undefined && { id: json.data.id }) };
}

/** The file as another process sees it. */
function onDisk<T>(read: (db: Database.Database) => T): T {
  const db = new Database(dbPath);
  try {
    return read(db);
  } finally {
    db.close();
  }
}
const queued = (): number => onDisk((db) => (db.prepare('SELECT COUNT(*) AS n FROM queue_items').get() as { n: number }).n);

test('a create queued by a process killed before it recorded its answer: the retry after restart finds it, queued once, delivered once', async () => {
  const port = await freePort();
  const first = await startProcess(port);
  // From here on the idempotency claims cannot be settled: the state a death right after queueing leaves.
  onDisk((db) => db.exec(`CREATE TRIGGER hold_claims BEFORE UPDATE ON kv WHEN OLD.key LIKE 'idem:%' AND NEW.value LIKE '{"s":"done"%' BEGIN SELECT RAISE(ABORT, 'held'); END`));
  const byExternalId = { externalId: 'crash-ext', userData: { n: 'a' } };
  const byKey = [{ userData: { n: 'b' } }, { 'idempotency-key': 'crash-key' }] as const;
  const a = await create(port, byExternalId);
  const b = await create(port, ...byKey);
  expect([a.status, b.status]).toEqual([202, 202]);
  expect(queued()).toBe(2);
  first.child.kill('SIGKILL');
  await first.exited;
  onDisk((db) => db.exec('DROP TRIGGER hold_claims'));

  const second = await startProcess(port);
  // The dead process's claims hold until they lapse (server.requestTimeoutMs + 5 s): "in progress" till then.
  const retry = async (send: () => Promise<{ status: number; id?: string }>) => {
    for (let attempt = 0; ; attempt += 1) {
      const answer = await send();
      if (answer.status !== 409) return answer;
      expect(attempt).toBeLessThan(120);
      await sleep(250);
    }
  };
  const a2 = await retry(() => create(port, byExternalId));
  const b2 = await retry(() => create(port, ...byKey));
  // Answered as pending under the id the first try reserved; nothing queued a second time.
  expect(a2).toEqual({ status: 202, id: a.id });
  expect(b2).toEqual({ status: 202, id: b.id });
  expect(queued()).toBe(2);

  const before = upstream.recorded.length;
  upstreamState.up = true;
  for (let i = 0; i < 400 && queued() > 0; i += 1) await sleep(50);
  expect(queued()).toBe(0);
  // One upstream create each: the externalId's, and one under the externalId assigned to the keyed create.
  const creates = upstream.recorded.slice(before).filter((r) => r.method === 'POST' && r.path.endsWith('/interactions'));
  expect(creates).toHaveLength(2);
  expect(applied.get('crash-ext')).toBe(1);
  expect([...applied].filter(([externalId]) => externalId !== 'crash-ext')).toEqual([[expect.stringMatching(/^omgw-/), 1]]);
  // And the reserved ids now answer the upstream's interactions.
  const got = await fetch(`http://127.0.0.1:${port}/nexus/v3/openmedia/orders/interactions/${b.id}`, { headers: { 'x-api-key': 'client' } });
  expect(((await got.json()) as { data: { userData: unknown } }).data.userData).toEqual({ n: 'b' });
  second.child.kill('SIGTERM');
  await second.exited;
}, 120_000);
