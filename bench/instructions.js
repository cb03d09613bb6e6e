'use strict';
// `npm run bench:instructions`: CPU work per request of the gateway (c) and the lean floor (d) counted in
// instructions, which unlike CPU time do not depend on what else runs on the machine.
// Each front runs under valgrind's callgrind (user-space instructions of the process, JIT code included); after a
// warm-up its counters are zeroed, a fixed number of GMS form creates (a fresh externalId each) is sent, and the
// counters are dumped: instructions / requests. Kernel work is not in that figure, so each front also runs once
// without valgrind under `perf stat` counting its system calls per request (writes, reads, all).
// Settings from the environment: INSTR_REQUESTS (measured requests, 2000), INSTR_WARMUP (5000),
// INSTR_ROUNDS (1; >1 interleaves c, d, c, d… and takes medians), INSTR_CONNECTIONS (10), INSTR_SYSCALLS=0 (skip the
// system-call count), INSTR_CALLGRIND=0 (only the system-call count). Needs valgrind (callgrind_control) and perf on PATH, Linux.
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { execFileSync, spawn } = require('node:child_process');
const autocannon = require('autocannon');
const lib = require('./lib');

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(__dirname, 'RESULTS.md');
const settings = {
  requests: lib.intEnv('INSTR_REQUESTS', 2000),
  warmup: lib.intEnv('INSTR_WARMUP', 5000),
  rounds: lib.intEnv('INSTR_ROUNDS', 1),
  connections: lib.intEnv('INSTR_CONNECTIONS', 10),
  syscalls: process.env.INSTR_SYSCALLS !== '0',
  callgrind: process.env.INSTR_CALLGRIND !== '0',
};
const NODE_MAJOR = process.versions.node.split('.')[0];
const GMS_PATH = '/genesys/2/openmedia/svc';
const CALLGRIND = ['--tool=callgrind', '--smc-check=all-non-file', '--cache-sim=no', '--dump-instr=no'];
// Under valgrind the threads take turns, so V8's background compiler lags far behind and the counted window would
// be full of compilation and of code not yet optimised: optimise on the main thread instead, and leave what the
// optimising compiler itself costs out of the figure (it is reported beside it; it tends to 0 as the process warms).
const NODE_UNDER_CALLGRIND = ['--no-concurrent-recompilation'];
const COMPILER = /^\s*([\d,]+) .*PipelineCompilationJob::ExecuteJobImpl/m;
let batch = 0;

/** `amount` GMS form creates, each with an externalId never sent before (a repeat would be an idempotent replay). */
async function send(url, amount) {
  const prefix = `i${process.pid}b${++batch}n`;
  let n = 0;
  const result = await new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        connections: settings.connections,
        amount,
        timeout: 120,
        verifyBody: (b) => b.startsWith('{"statusCode":0,'),
        requests: [{ setupRequest: (req) => ({ ...req, body: `externalId=${prefix}${n++}&userData%5BOrderNumber%5D=ABC123&userData%5BTestKey2%5D=Test+value` }) }],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
  const failed = result.non2xx + result.errors + result.timeouts + result.mismatches;
  if (failed > 0) throw new Error(`${url}: ${failed} of ${amount} requests failed`);
  return result;
}

/**
 * Instructions of `pid` (a process under callgrind) per request while `amount` requests are answered, without
 * the optimising compiler's (`total` and `compiler` include it).
 */
async function countInstructions(pid, url, amount, outPrefix) {
  const before = new Set(dumps(outPrefix));
  execFileSync('callgrind_control', ['-z', String(pid)], { stdio: 'ignore' });
  await send(url, amount);
  execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' });
  const file = dumps(outPrefix).find((f) => !before.has(f));
  if (!file) throw new Error(`callgrind wrote no dump for ${pid}`);
  const m = /^summary:\s+(\d+)/m.exec(fs.readFileSync(file, 'utf8'));
  if (!m) throw new Error(`no summary line in ${file}`);
  const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const compiler = Number(COMPILER.exec(annotated)?.[1].replace(/,/g, '') ?? 0);
  const total = Number(m[1]);
  return { perRequest: (total - compiler) / amount, total: total / amount, compiler: compiler / amount };
}

function dumps(prefix) {
  const dir = path.dirname(prefix);
  return fs.readdirSync(dir).filter((f) => f.startsWith(path.basename(prefix))).map((f) => path.join(dir, f));
}

const SYSCALL_EVENTS = ['raw_syscalls:sys_enter', 'syscalls:sys_enter_writev', 'syscalls:sys_enter_write', 'syscalls:sys_enter_read', 'syscalls:sys_enter_epoll_wait'];

/** System calls per request of `pid` (not under valgrind) while `amount` requests are answered, by perf stat. */
async function countSyscalls(pid, url, amount) {
  const perf = spawn('perf', ['stat', '-x', ',', '-e', SYSCALL_EVENTS.join(','), '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  perf.stderr.on('data', (c) => (text += c));
  await lib.sleep(300);
  await send(url, amount);
  const exited = new Promise((resolve) => perf.once('exit', resolve));
  perf.kill('SIGINT');
  await exited;
  const per = {};
  for (const line of text.split('\n')) {
    const [value, , event] = line.split(',');
    const name = SYSCALL_EVENTS.find((e) => e === event);
    if (name) per[name.replace(/^.*sys_enter_?/, '') || 'all'] = Number(value) / amount;
  }
  return per;
}

function gatewayConfig(upstreamUrl, port) {
  return [
    'server: { port: ' + port + ', host: 127.0.0.1, shutdownTimeoutMs: 1000, workers: 1 }',
    'backends:',
    `  cloud: { driver: nexus, baseUrl: "${upstreamUrl}/nexus/v3", apiKey: bench, connections: 64 }`,
    'routes:',
    '  - { service: "*", backend: cloud }',
    '',
  ].join('\n');
}

/** Starts c (the gateway) and d (the floor), under callgrind when `prefix` is given. */
async function startFronts(children, work, upstreamUrl, prefix) {
  const wrap = prefix ? { execPath: 'valgrind', execArgv: [...CALLGRIND, `--callgrind-out-file=${prefix}.%p`, process.execPath, ...NODE_UNDER_CALLGRIND] } : {};
  const port = await lib.freePort();
  const configFile = path.join(work, `gateway-${port}.yaml`);
  fs.writeFileSync(configFile, gatewayConfig(upstreamUrl, port));
  const cli = path.join(ROOT, 'dist', 'cli.js');
  const command = prefix ? 'valgrind' : process.execPath;
  const args = prefix ? [...wrap.execArgv, cli, 'start', '--config', configFile] : [cli, 'start', '--config', configFile];
  const gateway = await children.spawn(command, args, { cwd: work, env: { ...process.env, NODE_ENV: 'production' } }, `http://${lib.HOST}:${port}/healthz`, 600_000);
  const floor = await children.fork(path.join(__dirname, 'lean-floor.js'), [upstreamUrl, '0', '64'], prefix ? wrap : {}, 600_000);
  // Under valgrind the pid that answers is valgrind's own (it execs the guest in place).
  return [
    { key: 'c', pid: gateway.child.pid, url: `http://${lib.HOST}:${port}${GMS_PATH}` },
    { key: 'd', pid: floor.child.pid, url: floor.url + GMS_PATH },
  ];
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build`');
  process.stdout.write(`${lib.machine()}\n`);
  const children = new lib.Children();
  const disarm = lib.guard(children, 3600_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'omgw-instr-'));
  const instructions = { c: [], d: [] };
  const syscalls = {};
  try {
    const upstream = await children.fork(path.join(__dirname, 'upstream.js'));
    const prefix = path.join(work, 'callgrind');
    const fronts = settings.callgrind ? await startFronts(children, work, upstream.url, prefix) : [];
    for (const f of fronts) {
      process.stdout.write(`${f.key}: warm-up ${settings.warmup} requests under callgrind… `);
      await send(f.url, settings.warmup);
      process.stdout.write('done\n');
    }
    for (let round = 1; round <= (settings.callgrind ? settings.rounds : 0); round++) {
      for (const f of fronts) {
        const n = await countInstructions(f.pid, f.url, settings.requests, `${prefix}.${f.pid}`);
        instructions[f.key].push(n);
        const int = lib.fmt.int;
        process.stdout.write(`round ${round}: ${f.key} ${int(n.perRequest)} instructions/request (${int(n.compiler)} more in the optimising compiler)\n`);
      }
    }
    if (settings.syscalls) {
      const natives = await startFronts(children, work, upstream.url);
      for (const f of natives) {
        await send(f.url, settings.warmup);
        syscalls[f.key] = await countSyscalls(f.pid, f.url, settings.requests);
        process.stdout.write(`${f.key}: ${JSON.stringify(syscalls[f.key])} system calls/request\n`);
      }
    }
  } finally {
    await children.stopAll(10_000);
    disarm();
  }
  report(instructions, syscalls);
  fs.rmSync(work, { recursive: true, force: true });
}

function report(instructions, syscalls) {
  const c = lib.median(instructions.c.map((n) => n.perRequest));
  const d = lib.median(instructions.d.map((n) => n.perRequest));
  const compiler = (k) => lib.median(instructions[k].map((n) => n.compiler));
  const int = lib.fmt.int;
  const f2 = (n) => (n === undefined ? '—' : n.toFixed(2));
  const lines = [
    `## Node ${NODE_MAJOR}: instructions per request, gateway vs. lean floor (${new Date().toISOString()})`,
    '',
    `${lib.machine()} (at the end of the run). Each front under valgrind --tool=callgrind (node ${NODE_UNDER_CALLGRIND.join(' ')}): ${settings.warmup} GMS form creates to warm up,` +
      ` then ${settings.requests} counted over ${settings.connections} connections, a fresh externalId per request; ${settings.rounds} round(s)` +
      ' interleaved c → d (medians). User-space instructions of the front process only (the upstream and the load generator are not counted);' +
      ' they do not depend on the machine\'s load. The optimising compiler\'s own work in the counted window is shown apart: it is warm-up, not a cost per request. System calls per request: the same fronts without valgrind, counted by `perf stat`.',
    '',
    '| target | instructions / request | + optimising compiler | system calls / request | writev | write | read | epoll_wait |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...['c', 'd'].map((k) => {
      const s = syscalls[k] ?? {};
      return `| ${k === 'c' ? 'c  gateway' : 'd  lean floor'} | ${int(k === 'c' ? c : d)} | ${int(compiler(k))} | ${f2(s.all)} | ${f2(s.writev)} | ${f2(s.write)} | ${f2(s.read)} | ${f2(s.epoll_wait)} |`;
    }),
    '',
    `c / d instructions per request: **${lib.fmt.ratio(c / d)}**` +
      (settings.rounds > 1 ? ` (rounds: c ${instructions.c.map((n) => int(n.perRequest)).join(', ')}; d ${instructions.d.map((n) => int(n.perRequest)).join(', ')})` : '') + '.',
  ];
  const text = lines.join('\n');
  process.stdout.write(`\n${text}\n`);
  lib.writeSection(RESULTS, `instructions-node${NODE_MAJOR}`, text);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
