'use strict';
// `npm run bench`: the gateway against the floors it is judged by, side by side in one run, all on 127.0.0.1.
//   a  the Nexus upstream alone (bench/upstream.js), JSON create
//   b  a raw node:http pass-through proxy in front of it (bench/raw-proxy.js), same JSON create
//   c  the gateway (dist/cli.js start), GMS form create translated to a Nexus create on the same upstream
//   d  the lean floor (bench/lean-floor.js): the same translation with node:http + qs + zod + undici, no logging
//   e  the gateway with server.workers: BENCH_WORKERS (2) and the sqlite store the workers share (DESIGN §7)
//   f  the same gateway as e with one worker: e/f is what the extra workers bring
// Each target runs flat out (BENCH_CONNECTIONS) and then at a moderate fixed rate (BENCH_RATE req/s, well below
// every target's ceiling), where p99 says what a caller sees when the gateway is not the bottleneck.
// Each server is its own node process; the load generator (autocannon) runs here. Settings from the environment:
//   BENCH_DURATION (s, 10)  BENCH_CONNECTIONS (50)  BENCH_ROUNDS (1; >1 interleaves a,b,c,d,e,a,… and takes medians)
//   BENCH_WARMUP (s, 2)  BENCH_POOL (upstream connections of b, c, d and e, 64)  BENCH_RATE (req/s, 800)
//   BENCH_MODERATE_DURATION (s, 5)  BENCH_WORKERS (e's workers, 2; 1 leaves e out)  BENCH_UNIQUE=1 (a fresh
//   externalId per request)  BENCH_PROFILE=1 (--cpu-prof on the gateway c, top self-time functions reported)
//   BENCH_GATEWAY_LOG (where the gateways' stdout log lines go, /dev/null)
// The figures go to bench/RESULTS.md, one section per Node.js major version.
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const lib = require('./lib');
const { summarize } = require('./profile-top');

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(__dirname, 'RESULTS.md');

const settings = {
  duration: lib.intEnv('BENCH_DURATION', 10),
  connections: lib.intEnv('BENCH_CONNECTIONS', 50),
  rounds: lib.intEnv('BENCH_ROUNDS', 1),
  warmup: lib.intEnv('BENCH_WARMUP', 2),
  pool: lib.intEnv('BENCH_POOL', 64),
  rate: lib.intEnv('BENCH_RATE', 800),
  moderateDuration: lib.intEnv('BENCH_MODERATE_DURATION', 5),
  workers: lib.intEnv('BENCH_WORKERS', 2),
  unique: process.env.BENCH_UNIQUE === '1',
  profile: process.env.BENCH_PROFILE === '1',
  gatewayLog: process.env.BENCH_GATEWAY_LOG || '/dev/null',
};
settings.warmup = Math.min(settings.warmup, settings.duration);
const NODE_MAJOR = process.versions.node.split('.')[0];

const SERVICE = 'svc';
const NEXUS_PATH = `/nexus/v3/openmedia/${SERVICE}/interactions`;
const GMS_PATH = `/genesys/2/openmedia/${SERVICE}`;
const nexusBody = (externalId) => JSON.stringify({ externalId, userData: { OrderNumber: 'ABC123', TestKey2: 'Test value' } });
const gmsBody = (externalId) => `externalId=${externalId}&userData%5BOrderNumber%5D=ABC123&userData%5BTestKey2%5D=Test+value`;
const FIXED_ID = 'xy932';

function gatewayConfig(upstreamUrl, port, workers, storePath) {
  return [
    'server:',
    `  port: ${port}`,
    '  host: 127.0.0.1',
    '  shutdownTimeoutMs: 1000',
    `  workers: ${workers}`,
    'backends:',
    `  cloud: { driver: nexus, baseUrl: "${upstreamUrl}/nexus/v3", apiKey: bench, connections: ${settings.pool} }`,
    'routes:',
    '  - { service: "*", backend: cloud }',
    ...(storePath ? [`store: { kind: sqlite, path: "${storePath}" }`] : settings.unique ? [ROUND_SIZED_MEMORY_STORE] : []),
    '',
  ].join('\n');
}

function target(key, label, url, kind, pid) {
  const json = kind === 'nexus';
  const bodyOf = json ? nexusBody : gmsBody;
  return {
    key,
    label,
    url,
    pid,
    method: 'POST',
    headers: json ? { 'content-type': 'application/json', 'x-api-key': 'bench' } : { 'content-type': 'application/x-www-form-urlencoded' },
    body: bodyOf(FIXED_ID),
    bodyFor: settings.unique ? (n) => bodyOf(`xy${n}`) : undefined,
    // HTTP 200 is not enough: GMS answers its own failures with 200 and statusCode 1 or 2.
    verify: json ? (b) => b.startsWith('{"status":{"code":0}') : (b) => b.startsWith('{"statusCode":0,'),
  };
}

async function smoke(t) {
  const res = await lib.send(t.url, { method: t.method, headers: t.headers, body: t.body });
  if (res.status !== 200 || !t.verify(res.body)) throw new Error(`${t.label} answered ${res.status} ${res.body.slice(0, 300)}`);
}

async function startGateway(children, work, upstreamUrl, name, workers, execArgv, sqlite = false) {
  const port = await lib.freePort();
  const configFile = path.join(work, `${name}.yaml`);
  fs.writeFileSync(configFile, gatewayConfig(upstreamUrl, port, workers, sqlite ? path.join(work, `${name}.db`) : undefined));
  const logFd = fs.openSync(settings.gatewayLog, 'a');
  const cli = path.join(ROOT, 'dist', 'cli.js');
  const gateway = await children.spawn(
    process.execPath,
    [...execArgv, cli, 'start', '--config', configFile],
    { cwd: work, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', logFd, 'pipe'] },
    `http://${lib.HOST}:${port}/healthz`,
  );
  fs.closeSync(logFd);
  return { url: `http://${lib.HOST}:${port}${GMS_PATH}`, pid: gateway.child.pid, child: gateway.child };
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` (npm run bench does)');
  process.stdout.write(`${lib.machine()}\n`);
  const targetCount = settings.workers > 1 ? 6 : 4;
  const perRun = settings.warmup + settings.duration + settings.moderateDuration + 5;
  const limitMs = (60 + settings.rounds * targetCount * perRun + (settings.profile ? 60 : 0)) * 1000;
  const children = new lib.Children();
  const disarm = lib.guard(children, limitMs);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'omgw-bench-'));
  const profileDir = path.join(work, 'profile');
  const runs = {};
  const moderate = {};
  const peakRss = {};
  // When the gateway's measured runs happened, in monotonic µs, to cut its CPU profile to them.
  const gatewayWindows = [];
  let targets;
  try {
    const upstream = await children.fork(path.join(__dirname, 'upstream.js'));
    const proxy = await children.fork(path.join(__dirname, 'raw-proxy.js'), [upstream.url, '0', String(settings.pool)]);
    const floor = await children.fork(path.join(__dirname, 'lean-floor.js'), [upstream.url, '0', String(settings.pool)]);
    const profileArgv = settings.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=250'] : [];
    const gateway = await startGateway(children, work, upstream.url, 'gateway', 1, profileArgv);
    targets = [
      target('a', 'a  Nexus upstream, direct', upstream.url + NEXUS_PATH, 'nexus', upstream.child.pid),
      target('b', 'b  raw node:http proxy → upstream', proxy.url + NEXUS_PATH, 'nexus', proxy.child.pid),
      { ...target('c', 'c  gateway, GMS form → Nexus JSON → upstream', gateway.url, 'gms', gateway.pid), child: gateway.child },
      target('d', 'd  lean floor: node:http + qs + zod + undici, same translation, no logging', floor.url + GMS_PATH, 'gms', floor.child.pid),
    ];
    if (settings.workers > 1) {
      const clustered = await startGateway(children, work, upstream.url, 'gateway-workers', settings.workers, [], true);
      targets.push(target('e', `e  gateway, server.workers: ${settings.workers}, store sqlite (all processes counted)`, clustered.url, 'gms', clustered.pid));
      const single = await startGateway(children, work, upstream.url, 'gateway-sqlite', 1, [], true);
      targets.push(target('f', 'f  gateway as e with one process', single.url, 'gms', single.pid));
    }
    for (const t of targets) {
      await smoke(t);
      runs[t.key] = [];
      moderate[t.key] = [];
    }

    const options = { connections: settings.connections };
    let gatewayRss = 0;
    for (let round = 1; round <= settings.rounds; round++) {
      for (const t of targets) {
        if (t.key === 'c' && round > 1 && freshGatewayEachRound) {
          // Each round a new gateway: its memory store holds what one round created (see the report's note).
          gatewayRss = Math.max(gatewayRss, lib.peakRssMiB(t.pid) ?? 0);
          await children.stop(t.child);
          Object.assign(t, await startGateway(children, work, upstream.url, `gateway-round${round}`, 1, profileArgv));
          await smoke(t);
        }
        process.stdout.write(`round ${round}/${settings.rounds}  ${t.label}: warm-up ${settings.warmup} s, run ${settings.duration} s… `);
        await lib.load(t, { ...options, duration: settings.warmup });
        const from = monotonicUs();
        const r = await lib.load(t, { ...options, duration: settings.duration, pid: t.pid });
        if (t.key === 'c') gatewayWindows.push([from, monotonicUs()]);
        runs[t.key].push(r);
        process.stdout.write(`${lib.fmt.int(r.rps)} req/s, p99 ${lib.fmt.ms(r.p99)} ms, ${lib.fmt.int(r.cpuUsPerRequest)} µs/req${lib.failures(r) ? `  ${lib.failures(r)} FAILED` : ''}; `);
        const m = await lib.load(t, { connections: 10, duration: settings.moderateDuration, pid: t.pid, rate: settings.rate });
        moderate[t.key].push(m);
        process.stdout.write(`at ${settings.rate} req/s: p99 ${lib.fmt.ms(m.p99)} ms${lib.failures(m) ? `  ${lib.failures(m)} FAILED` : ''}\n`);
      }
    }
    for (const t of targets) peakRss[t.key] = lib.peakRssMiB(t.pid);
    peakRss.c = Math.max(peakRss.c ?? 0, gatewayRss);
  } finally {
    // The gateway writes its CPU profile on a clean exit after SIGTERM: give it time.
    await children.stopAll(settings.profile ? 30_000 : 5000);
    disarm();
  }
  report(targets, runs, moderate, peakRss, profileDir, gatewayWindows);
  fs.rmSync(work, { recursive: true, force: true });
}

/**
 * With a fresh externalId per request every create leaves an idempotency record and an id-index entry in the
 * gateway's memory store (DESIGN §7), for a day, and a full store refuses new ones as try-again: a gateway
 * answering several thousand creates a second would fill it and then measure its refusals. So c is started
 * afresh for each round (unless profiled: one profile per process), with a store sized for a round — the default
 * 200,000 keys hold 100,000 creates, some 10 s of a fast machine's flat-out run — whose records then count in its
 * memory, as a day's records would in production.
 */
const freshGatewayEachRound = settings.unique && !settings.profile;
const ROUND_SIZED_STORE_KEYS = 2_000_000;
const ROUND_SIZED_MEMORY_STORE = `store: { kind: memory, maxEntries: ${ROUND_SIZED_STORE_KEYS}, maxBytes: 536870912 }`;

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

function report(targets, runs, moderate, peakRss, profileDir, gatewayWindows) {
  const med = Object.fromEntries(targets.map((t) => [t.key, lib.combine(runs[t.key])]));
  const mod = Object.fromEntries(targets.map((t) => [t.key, lib.combine(moderate[t.key])]));
  const { a, b, c, d, e } = med;
  const invalid = targets.filter((t) => lib.failures(med[t.key]) + lib.failures(mod[t.key]) > 0);
  const cpuCd = c.cpuUsPerRequest / d.cpuUsPerRequest;
  const p99Cd = mod.c.p99 / mod.d.p99;
  const ratio = (x, y, k) => lib.fmt.ratio(x[k] / y[k]);
  const ratioRow = (name, x, y) =>
    `| ${name} | ${ratio(med[x], med[y], 'rps')} | ${ratio(med[x], med[y], 'p99')} | ${ratio(med[x], med[y], 'cpuUsPerRequest')} | ${ratio(mod[x], mod[y], 'p99')} | ${ratio(mod[x], mod[y], 'cpuUsPerRequest')} | ${lib.fmt.ratio(peakRss[x] / peakRss[y])} |`;
  const lines = [
    `## Node ${NODE_MAJOR}: gateway vs. floors${settings.profile ? ', profiled' : ''} (${new Date().toISOString()})`,
    '',
    `${lib.machine()} (at the end of the run). Settings: ${settings.connections} connections, ${settings.duration} s per run after a ${settings.warmup} s warm-up,` +
      ` then ${settings.moderateDuration} s at a moderate ${settings.rate} req/s offered over 10 connections;` +
      ` ${settings.rounds} round(s) interleaved ${targets.map((t) => t.key).join(' → ')} (medians), upstream pool ${settings.pool} keep-alive connections,` +
      ` ${settings.unique ? 'a fresh externalId per request' : `one fixed body per target (externalId ${FIXED_ID})`}, NODE_ENV=production,` +
      ` gateway logging at info to ${settings.gatewayLog}${settings.profile ? ', gateway c under --cpu-prof (slower than unprofiled)' : ''}` +
      `${freshGatewayEachRound ? `, gateway c started afresh each round with a memory store of ${ROUND_SIZED_STORE_KEYS.toLocaleString('en-US')} keys (it then holds one round's creates; peak RSS is the largest of the rounds)` : ''}.` +
      ' Load generator: autocannon in the bench process, on the same machine; server CPU µs/req is the CPU time of the front process of' +
      ' each target (the upstream for a, the proxy for b, the gateway for c and f, the floor for d, all processes of e) divided by the' +
      ' responses; peak RSS is VmHWM at the end of the run (summed over e\'s processes).',
    '',
    lib.resultTable(targets.map((t) => ({ label: t.label, r: med[t.key] }))),
    '',
    `At a moderate ${settings.rate} req/s offered:`,
    '',
    '| target | req/s | p50 ms | p99 ms | server CPU µs/req | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|',
    ...targets.map((t) => {
      const m = mod[t.key];
      return `| ${t.key} | ${lib.fmt.int(m.rps)} | ${lib.fmt.ms(m.p50)} | ${lib.fmt.ms(m.p99)} | ${lib.fmt.int(m.cpuUsPerRequest)} | ${lib.fmt.int(peakRss[t.key])} |`;
    }),
    '',
    '| ratio | throughput | p99 | server CPU µs/req | p99, moderate | CPU µs/req, moderate | peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ratioRow('c / d', 'c', 'd'),
    ratioRow('c / b', 'c', 'b'),
    ratioRow('d / b', 'd', 'b'),
    ...(e ? [ratioRow(`e / f (workers ${settings.workers} / 1, sqlite store)`, 'e', 'f')] : []),
    '',
    `Targets: CPU per request c ≤ 1.3 × d — ${cpuCd <= 1.3 ? 'met' : 'MISSED'} (${lib.fmt.ratio(cpuCd)}); ` +
      `p99 at ${settings.rate} req/s c ≤ 1.5 × d — ${p99Cd <= 1.5 ? 'met' : 'MISSED'} (${lib.fmt.ratio(p99Cd)}); ` +
      `throughput c ≥ 0.5 × b — ${c.rps >= 0.5 * b.rps ? 'met' : 'MISSED'} (${lib.fmt.ratio(c.rps / b.rps)}); ` +
      `peak RSS of c ≤ 150 MiB — ${peakRss.c <= 150 ? 'met' : 'MISSED'} (${lib.fmt.int(peakRss.c)} MiB).`,
  ];
  void a;
  if (settings.rounds > 1) {
    lines.push('', 'Per round (req/s / p99 ms / CPU µs per request, flat out):', '');
    for (const t of targets) {
      lines.push(`- ${t.key}: ${runs[t.key].map((r) => `${lib.fmt.int(r.rps)} / ${lib.fmt.ms(r.p99)} / ${lib.fmt.int(r.cpuUsPerRequest)}`).join(', ')}`);
    }
    lines.push('', `Per round at ${settings.rate} req/s (p99 ms / CPU µs per request):`, '');
    for (const t of targets) {
      lines.push(`- ${t.key}: ${moderate[t.key].map((m) => `${lib.fmt.ms(m.p99)} / ${lib.fmt.int(m.cpuUsPerRequest)}`).join(', ')}`);
    }
    // Each round's c and d ran about 20 s apart; the ratio of medians above may pair a quiet round's d with a busy
    // round's c. Both are shown; the targets are judged on the ratio of medians.
    const paired = (x, k) => x.c.map((r, i) => r[k] / x.d[i][k]);
    const byRound = (values) => `${values.map(lib.fmt.ratio).join(', ')} (median ${lib.fmt.ratio(lib.median(values))})`;
    lines.push('', `c / d round by round: CPU per request ${byRound(paired(runs, 'cpuUsPerRequest'))}; p99 at ${settings.rate} req/s ${byRound(paired(moderate, 'p99'))}.`);
  }
  if (invalid.length > 0) {
    lines.push('', `**INVALID RUN: ${invalid.map((t) => `${t.key} had ${lib.failures(med[t.key]) + lib.failures(mod[t.key])} failed responses`).join('; ')}. Its figures do not count.**`);
  }
  if (settings.profile) {
    const file = fs.existsSync(profileDir) ? fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile')) : undefined;
    if (file) {
      // The windows travel with the profile (DevTools ignores the extra field), so profile-top.js can re-cut it.
      const kept = path.join(__dirname, 'gateway.cpuprofile');
      const profile = JSON.parse(fs.readFileSync(path.join(profileDir, file), 'utf8'));
      profile.benchWindows = gatewayWindows;
      fs.writeFileSync(kept, JSON.stringify(profile));
      lines.push('', '### Gateway CPU profile (the profile is kept in bench/gateway.cpuprofile)', '', summarize(kept, 25));
    } else lines.push('', 'No CPU profile was written by the gateway.');
  }
  const text = lines.join('\n');
  process.stdout.write(`\n${text}\n`);
  // A profiled run is slower than a plain one: it gets its own section and leaves the plain figures alone.
  lib.writeSection(RESULTS, `${settings.profile ? 'gateway-profile' : 'gateway'}-node${NODE_MAJOR}`, text);
  process.stdout.write(`\nwritten to ${path.relative(process.cwd(), RESULTS)}\n`);
  if (invalid.length > 0) {
    process.stderr.write(`\n!!! INVALID RUN: ${invalid.map((t) => t.label).join(', ')} had failed responses (see the table) !!!\n\n`);
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
