import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStateStore } from '../../src/store/sqlite.state-store';
import { DIST, ensureBuilt, killAll, spawnNode, type Run } from '../support/omgw-process';

/**
 * What only a file on disk gives: state that outlives the process (a restart, a kill -9) and that several
 * processes on one machine share, each primitive still atomic between them.
 */

const STORE_MODULE = join(DIST, 'store/sqlite.state-store.js');
let dir: string;
let path: string;

beforeAll(ensureBuilt, 180_000);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omgw-sqlite-'));
  path = join(dir, 'state.db');
});
afterEach(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** A node process running `body` with `store` open on the test's file; it prints what the test reads. */
function storeProcess(body: string): Run {
  const script = `
    const { SqliteStateStore } = require(${JSON.stringify(STORE_MODULE)});
    const store = new SqliteStateStore({ path: ${JSON.stringify(path)} });
    const say = (line) => process.stdout.write(JSON.stringify(line) + '\\n');
    (async () => { ${body} })().then(() => store.close(), (err) => { console.error(err); process.exit(1); });`;
  return spawnNode(['-e', script], { cwd: dir });
}

test('closed and reopened: keys, TTLs, counters and queues in order are all still there', async () => {
  const first = new SqliteStateStore({ path });
  await first.set('plain', 'kept');
  await first.set('ttl', 'kept too', 60_000);
  await first.set('short', 'gone', 1);
  await first.increment('counter');
  await first.increment('counter');
  for (const id of ['a', 'b', 'c']) await first.enqueue('q', id, `value ${id}`, 10);
  await first.dequeue('q', 'b');
  await first.close();

  const second = new SqliteStateStore({ path });
  try {
    expect(await second.get('plain')).toBe('kept');
    expect(await second.get('ttl')).toBe('kept too');
    expect(await second.get('short')).toBeUndefined();
    expect(await second.increment('counter')).toBe(3);
    await second.enqueue('q', 'd', 'value d', 10);
    expect((await second.peek('q', 10)).map((i) => i.id)).toEqual(['a', 'c', 'd']);
  } finally {
    await second.close();
  }
});

test('kill -9 while writing: every write the process saw acknowledged is on disk', async () => {
  const writer = storeProcess(`
    for (let i = 0; ; i++) {
      await store.set('k' + i, 'v' + i);
      await store.enqueue('outbox', 'id' + i, 'item' + i, 1000000);
      say({ acked: i });
    }`);
  await writer.logLine((l) => typeof l.acked === 'number' && l.acked >= 200, 60_000);
  writer.child.kill('SIGKILL');
  await writer.exited;
  const acked = Math.max(...writer.stdout.flatMap((l) => (l.startsWith('{') ? [(JSON.parse(l) as { acked: number }).acked] : [])));

  const store = new SqliteStateStore({ path });
  try {
    for (let i = 0; i <= acked; i++) expect(await store.get(`k${i}`)).toBe(`v${i}`);
    const queued = await store.peek('outbox', acked + 10);
    expect(queued.slice(0, acked + 1).map((q) => q.id)).toEqual(Array.from({ length: acked + 1 }, (_, i) => `id${i}`));
  } finally {
    await store.close();
  }
}, 90_000);

test('several processes on one file: one setIfAbsent wins, counters and queues lose nothing', async () => {
  // Created once so the processes race on the rows, not on creating the schema.
  await new SqliteStateStore({ path }).close();
  const processes = 4;
  const rounds = 50;
  const startAt = Date.now() + 1500;
  const runs = Array.from({ length: processes }, (_, p) =>
    storeProcess(`
      await new Promise((r) => setTimeout(r, Math.max(0, ${startAt} - Date.now())));
      const won = await store.setIfAbsent('claim', 'p${p}', 60000);
      for (let i = 0; i < ${rounds}; i++) {
        await store.increment('hits');
        await store.enqueue('shared', 'p${p}-' + i, String(i), 1000);
      }
      say({ won });`),
  );
  const outcomes = await Promise.all(runs.map((r) => r.logLine((l) => 'won' in l, 60_000)));
  await Promise.all(runs.map((r) => r.exited));

  expect(outcomes.filter((o) => o.won === true)).toHaveLength(1);
  const store = new SqliteStateStore({ path });
  try {
    const winner = outcomes.findIndex((o) => o.won === true);
    expect(await store.get('claim')).toBe(`p${winner}`);
    expect(await store.get('hits')).toBe(String(processes * rounds));
    const items = await store.peek('shared', 10_000);
    expect(items).toHaveLength(processes * rounds);
    for (let p = 0; p < processes; p++) {
      // Each process's items keep their order among the others'.
      expect(items.filter((i) => i.id.startsWith(`p${p}-`)).map((i) => Number(i.value))).toEqual(Array.from({ length: rounds }, (_, i) => i));
    }
  } finally {
    await store.close();
  }
}, 90_000);
