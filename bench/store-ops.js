'use strict';
// `npm run bench:store`: what one state-store primitive costs, per store kind, measured sequentially (one caller,
// so it is latency, not throughput). memory and sqlite always; redis when redis-server is installed (started here
// on a free port with no persistence, stopped at the end). Settings: BENCH_STORE_OPS (per primitive, 2000).
const { spawn, spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const { MemoryStateStore } = require(path.join(dist, 'store/memory.state-store.js'));
const { SqliteStateStore } = require(path.join(dist, 'store/sqlite.state-store.js'));
const { RedisStateStore } = require(path.join(dist, 'store/redis.state-store.js'));

const OPS = Number(process.env.BENCH_STORE_OPS ?? 2000);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

const PRIMITIVES = {
  set: (s, i) => s.set(`k${i}`, 'value-of-some-length-0123456789', 60_000),
  get: (s, i) => s.get(`k${i}`),
  setIfAbsent: (s, i) => s.setIfAbsent(`nx${i}`, 'v', 60_000),
  compareAndSet: (s, i) => s.compareAndSet(`k${i}`, 'value-of-some-length-0123456789', 'other', 60_000),
  increment: (s) => s.increment('counter'),
  enqueue: (s, i) => s.enqueue('q', `id${i}`, 'item-value-0123456789', OPS + 1),
  peek: (s) => s.peek('q', 10),
  dequeue: (s, i) => s.dequeue('q', `id${i}`),
};

async function measure(store) {
  const row = {};
  for (const [name, run] of Object.entries(PRIMITIVES)) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < OPS; i++) await run(store, i);
    row[name] = Number(process.hrtime.bigint() - started) / 1000 / OPS;
  }
  return row;
}

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

async function withRedis(use) {
  if (spawnSync('redis-server', ['--version']).status !== 0) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'omgw-bench-redis-'));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]);
  try {
    await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c) => (out += c) && /Ready to accept connections/.test(out) && resolve());
      child.once('exit', () => reject(new Error(`redis-server exited:\n${out}`)));
    });
    return await use(`redis://127.0.0.1:${port}`);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const results = {};
  results.memory = await measure(new MemoryStateStore({ maxEntries: 1e6, maxBytes: 1 << 28 }));
  const dir = mkdtempSync(path.join(tmpdir(), 'omgw-bench-sqlite-'));
  const sqlite = new SqliteStateStore({ path: path.join(dir, 'state.db') });
  results['sqlite (WAL, synchronous=FULL)'] = await measure(sqlite);
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
  const redis = await withRedis(async (url) => {
    const store = new RedisStateStore({ url, keyPrefix: 'bench:', timeoutMs: 5000, logger: silent });
    try {
      return await measure(store);
    } finally {
      await store.close();
    }
  });
  if (redis) results['redis (loopback)'] = redis;
  else console.log('redis: skipped (redis-server not installed)');
  const names = Object.keys(PRIMITIVES);
  console.log(`µs per operation, one caller, ${OPS} operations each\n`);
  console.log(`| store | ${names.join(' | ')} |\n|---|${names.map(() => '---:').join('|')}|`);
  for (const [kind, row] of Object.entries(results)) console.log(`| ${kind} | ${names.map((n) => row[n].toFixed(1)).join(' | ')} |`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
