'use strict';
// `npm run soak`: mixed traffic against one gateway process for a while, reporting its RSS and the p99 latency
// at the start and at the end, so a leak or a slowdown shows. Not part of CI. Settings from the environment:
//   SOAK_SECONDS (600)  SOAK_CONCURRENCY (16)  SOAK_WINDOW (s, 60: the start and end windows compared)
// The gateway runs from dist/ (npm run build first) on its embedded contact center, with every bound of
// server/backends on: rate limits off, but bodies, user-data bytes and the byte budget in force. All traffic comes
// from 127.0.0.1, so the failed-authentication bucket of that address is made wide enough for the wrong-key
// requests (each still answered 401) never to lock out the good ones; a good request answered "too many" fails
// the soak.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const SECONDS = Number(process.env.SOAK_SECONDS || 600);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY || 16);
const WINDOW_MS = Number(process.env.SOAK_WINDOW || 60) * 1000;
const ROOT = path.resolve(__dirname, '..');

async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

function rssMiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

const p99 = (samples) => {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
};

async function main() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omgw-soak-'));
  const config = path.join(dir, 'gateway.json');
  fs.writeFileSync(config, JSON.stringify({
    server: { port, host: '127.0.0.1', authFailureLimit: { rate: 100000, burst: 100000 } },
    inbound: { nexus: { apiKeys: { 'soak-key-0001': { services: ['*'] } } } },
    backends: { sim: { driver: 'memory', maxBytes: '64mb' } },
    logging: { level: 'warn', sensitiveKeys: ['CardNumber'] },
  }));
  const gateway = spawn(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'start', '--config', config], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      if (i > 100) throw new Error('gateway did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  const NEXUS = { 'content-type': 'application/json', 'x-api-key': 'soak-key-0001' };
  const started = Date.now();
  const until = started + SECONDS * 1000;
  const windows = { start: [], end: [] };
  const counts = { ok: 0, refused: 0, limited: 0, errors: 0 };
  let firstFailure;
  const rss = [];
  const timed = async (url, init) => {
    const t0 = process.hrtime.bigint();
    const res = await fetch(base + url, { method: 'POST', ...init });
    const body = await res.text();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const now = Date.now();
    if (now - started < WINDOW_MS) windows.start.push(ms);
    if (until - now < WINDOW_MS) windows.end.push(ms);
    return { status: res.status, body };
  };

  // A good request must be served: GMS HTTP 200 statusCode 0, Nexus 200 status.code 0. Rate-limited (Nexus 429,
  // GMS statusCode 1 from the embedded backend) is counted apart, and ends the round like any other failure.
  const served = (r) => {
    const body = JSON.parse(r.body);
    const code = body.statusCode ?? body.status?.code;
    if (r.status === 200 && code === 0) {
      counts.ok += 1;
      return body;
    }
    const limited = r.status === 429 || (r.status === 200 && body.statusCode === 1);
    throw Object.assign(new Error(`good request answered ${r.status} ${r.body.slice(0, 200)}`), { limited });
  };
  // Each bad request has its own refusal; anything else (a 429 included) is an error.
  const refusedAs = (r, status) => {
    if (r.status === status) return void (counts.refused += 1);
    counts.errors += 1;
    firstFailure ??= `bad request answered ${r.status} instead of ${status}: ${r.body.slice(0, 200)}`;
  };

  // One worker: a whole GMS or Nexus life cycle, and now and then a bad request (each refused, none stored).
  const worker = async (w) => {
    for (let n = 0; Date.now() < until; n++) {
      try {
        const ext = `soak-${w}-${n}`;
        if (n % 2 === 0) {
          const c = served(await timed('/genesys/2/openmedia/soak', { headers: FORM, body: `externalId=${ext}&userData%5BOrder%5D=${n}&userData%5BCardNumber%5D=4111111111111111` }));
          served(await timed(`/genesys/2/openmedia/soak/${c.interactionId}/get`, { headers: FORM, body: '' }));
          served(await timed(`/genesys/2/openmedia/soak/${ext}/update`, { headers: FORM, body: `searchByExternalId=true&change%5BStep%5D=${n}` }));
          served(await timed(`/genesys/2/openmedia/soak/${c.interactionId}/stop`, { headers: FORM, body: 'reasonSystemName=done' }));
        } else {
          const c = served(await timed('/nexus/v3/openmedia/soak/interactions', { headers: NEXUS, body: JSON.stringify({ externalId: ext, userData: { Order: n, Note: 'x'.repeat(n % 512) } }) }));
          served(await timed(`/nexus/v3/openmedia/soak/interactions/${c.data.id}`, { method: 'GET', headers: NEXUS }));
          served(await timed(`/nexus/v3/openmedia/soak/interactions/ext_${ext}/update`, { headers: NEXUS, body: '{"changedProperties":{"Step":"2"}}' }));
          served(await timed(`/nexus/v3/openmedia/soak/interactions/${c.data.id}/stop`, { headers: NEXUS, body: '{}' }));
        }
        if (n % 10 === 0) {
          const [percent, wrongKey, utf8, big] = await Promise.all([
            timed('/genesys/2/openmedia/soak', { headers: FORM, body: 'userData%5BCardNumber%5D=4111%ZZ' }),
            timed('/nexus/v3/openmedia/soak/interactions', { headers: { ...NEXUS, 'x-api-key': `wrong-${n}` }, body: '{}' }),
            timed('/nexus/v3/openmedia/soak/interactions', { headers: NEXUS, body: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]) }),
            timed('/nexus/v3/openmedia/soak/interactions', { headers: NEXUS, body: JSON.stringify({ userData: { Blob: 'b'.repeat(70 * 1024) } }) }),
          ]);
          refusedAs(percent, 400);
          refusedAs(wrongKey, 401);
          refusedAs(utf8, 400);
          refusedAs(big, 413);
        }
      } catch (err) {
        if (err.limited) counts.limited += 1;
        else counts.errors += 1;
        firstFailure ??= err.message;
      }
    }
  };
  const sampler = setInterval(() => rss.push({ at: Date.now() - started, mib: rssMiB(gateway.pid) }), 5000);
  rss.push({ at: 0, mib: rssMiB(gateway.pid) });
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
  clearInterval(sampler);
  rss.push({ at: Date.now() - started, mib: rssMiB(gateway.pid) });
  gateway.kill('SIGTERM');
  await new Promise((r) => gateway.once('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });

  const firstMinute = rss.filter((s) => s.at <= WINDOW_MS);
  const lastMinute = rss.filter((s) => s.at >= SECONDS * 1000 - WINDOW_MS);
  const maxOf = (xs) => Math.max(...xs.map((s) => s.mib));
  console.log(`soak: ${SECONDS} s, ${CONCURRENCY} workers; ${counts.ok} requests served, ${counts.refused} bad requests refused, ${counts.limited} good requests rate-limited, ${counts.errors} errors`);
  console.log(`RSS MiB   start window max ${maxOf(firstMinute).toFixed(1)}   end window max ${maxOf(lastMinute).toFixed(1)}   peak ${maxOf(rss).toFixed(1)}`);
  console.log(`p99 ms    start window ${p99(windows.start).toFixed(2)}   end window ${p99(windows.end).toFixed(2)}`);
  if (firstFailure !== undefined) console.error(`first failure: ${firstFailure}`);
  if (counts.limited > 0) console.error(`SOAK FAILED: ${counts.limited} good requests were answered "too many requests" (429 / GMS statusCode 1)`);
  if (counts.errors > 0 || counts.limited > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
