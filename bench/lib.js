'use strict';
// Shared plumbing of the benchmarks: child servers, one load run, percentiles, and the report file.
const { fork, spawn } = require('node:child_process');
const { readFileSync, writeFileSync, existsSync } = require('node:fs');
const net = require('node:net');
const http = require('node:http');
const os = require('node:os');
const autocannon = require('autocannon');

const HOST = '127.0.0.1';

function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every child this process started, so they all stop with it, whatever way it ends. */
class Children {
  constructor() {
    this.all = new Set();
    // A last resort if the process exits without having run stopAll (e.g. an uncaught throw).
    process.on('exit', () => {
      for (const child of this.all) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
  }

  /** A bench server script, forked with IPC: it reports `{ port }` once listening and exits when we disconnect. */
  async fork(script, args = [], options = {}, readyMs = 10_000) {
    const child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production' }, ...options });
    this.track(child, script);
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} did not report its port within ${readyMs / 1000} s`)), readyMs);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve(m.port);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited before listening (code ${code}, signal ${signal})`));
      });
    });
    return { child, port, url: `http://${HOST}:${port}` };
  }

  /** Any command; ready once `readyUrl` answers 200. */
  async spawn(command, args, options, readyUrl, readyMs = 15_000) {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
    this.track(child, `${command} ${args.join(' ')}`);
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      if (stderr.length < 20_000) stderr += chunk;
    });
    const deadline = Date.now() + readyMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${command} exited at start (code ${child.exitCode}):\n${stderr}`);
      if ((await probe(readyUrl)) === 200) return { child, stderr: () => stderr };
      await sleep(100);
    }
    throw new Error(`${readyUrl} was not ready within ${readyMs / 1000} s:\n${stderr}`);
  }

  track(child, name) {
    child.benchName = name;
    this.all.add(child);
    child.once('exit', () => this.all.delete(child));
  }

  /** SIGTERM, then SIGKILL for what is still running after `graceMs`. Resolves when every child is gone. */
  async stopAll(graceMs = 5000) {
    const running = [...this.all].filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(running.map((child) => this.stop(child, graceMs)));
  }

  /** One child: SIGTERM, then SIGKILL after `graceMs`. */
  stop(child, graceMs = 5000) {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        process.stderr.write(`bench: ${child.benchName} ignored SIGTERM for ${graceMs} ms, killing it\n`);
        child.kill('SIGKILL');
      }, graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}

function probe(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** One request outside the load, to check a target answers what the run will count as success. */
function send(url, { method, headers, body }) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

let ticksPerSecond;
/** The process and every live descendant (a clustered gateway's workers), from Linux /proc. */
function processTree(pid) {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    try {
      const kids = readFileSync(`/proc/${all[i]}/task/${all[i]}/children`, 'utf8').trim();
      if (kids) all.push(...kids.split(/\s+/).map(Number));
    } catch {
      /* gone, or not Linux */
    }
  }
  return all;
}

/** User + system CPU seconds so far of a process and its live descendants (Linux /proc); undefined elsewhere. */
function cpuSeconds(pid) {
  if (ticksPerSecond === undefined) {
    ticksPerSecond = 100;
    try {
      ticksPerSecond = Number(require('node:child_process').execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      /* the Linux default */
    }
  }
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
    } catch {
      if (p === pid) return undefined;
    }
  }
  return total;
}

/** Peak resident memory (VmHWM) of a process and its live descendants, in MiB, summed; undefined elsewhere. */
function peakRssMiB(pid) {
  let kib = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) kib += Number(m[1]);
    } catch {
      if (p === pid) return undefined;
    }
  }
  return kib / 1024;
}

/** Latencies of every response, in ms; a growable typed array, so recording allocates nothing per response. */
class Latencies {
  constructor() {
    this.values = new Float64Array(1 << 20);
    this.length = 0;
  }

  record(ms) {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = ms;
  }

  percentiles(...ps) {
    const sorted = this.values.subarray(0, this.length).sort();
    return ps.map((p) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]));
  }
}

/**
 * Numbers handed to `bodyFor`, never twice in one bench process: a "fresh externalId per request" must stay fresh
 * across the warm-up, the measured and the moderate runs, or a gateway answers the later runs as retries.
 */
let bodySequence = 0;

/**
 * One autocannon run against `target` ({ url, method, headers, body | bodies, verify }). `pid` is the process whose
 * CPU time per request is reported. autocannon's own latency histogram keeps whole milliseconds, too coarse
 * for sub-millisecond answers: every response's latency is recorded here at full precision.
 */
async function load(target, { connections, duration, pid, rate }) {
  const latencies = new Latencies();
  const cpuBefore = pid === undefined ? undefined : cpuSeconds(pid);
  const options = {
    url: target.url,
    method: target.method,
    headers: target.headers,
    connections,
    duration,
    verifyBody: target.verify,
  };
  // A fixed offered rate (req/s over all connections) instead of as fast as the target answers.
  if (rate !== undefined) options.overallRate = rate;
  if (target.bodyFor) options.requests = [{ setupRequest: (req) => ({ ...req, body: target.bodyFor(bodySequence++) }) }];
  else options.body = target.body;
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon(options, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('response', (_client, _status, _bytes, ms) => latencies.record(ms));
  });
  const cpuAfter = pid === undefined ? undefined : cpuSeconds(pid);
  const [p50, p99] = latencies.percentiles(50, 99);
  const responses = latencies.length;
  return {
    rps: responses / result.duration,
    p50,
    p99,
    responses,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    cpuUsPerRequest: cpuBefore === undefined || cpuAfter === undefined || responses === 0 ? undefined : ((cpuAfter - cpuBefore) * 1e6) / responses,
  };
}

const failures = (r) => r.non2xx + r.errors + r.timeouts + r.mismatches;

function median(values) {
  const v = values.filter((x) => x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** The median of each field over rounds; failure counts are summed, since any failure invalidates the set. */
function combine(runs) {
  const pick = (k) => runs.map((r) => r[k]);
  const sum = (k) => pick(k).reduce((a, b) => a + b, 0);
  return {
    rps: median(pick('rps')),
    p50: median(pick('p50')),
    p99: median(pick('p99')),
    cpuUsPerRequest: median(pick('cpuUsPerRequest')),
    responses: sum('responses'),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    mismatches: sum('mismatches'),
  };
}

const fmt = {
  int: (n) => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US')),
  ms: (n) => (n === undefined || Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(2) : n.toFixed(1)),
  ratio: (n) => (n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(2)),
};

function resultTable(rows) {
  const lines = [
    '| target | req/s | p50 ms | p99 ms | server CPU µs/req | non-2xx | errors + timeouts | wrong body |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { label, r } of rows) {
    lines.push(`| ${label} | ${fmt.int(r.rps)} | ${fmt.ms(r.p50)} | ${fmt.ms(r.p99)} | ${fmt.int(r.cpuUsPerRequest)} | ${r.non2xx} | ${r.errors + r.timeouts} | ${r.mismatches} |`);
  }
  return lines.join('\n');
}

function machine() {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `node ${process.version}, ${cpus.length} CPU(s) (${cpus[0]?.model.trim() ?? 'unknown'}), ${os.platform()} ${os.release()}, load average ${load}`;
}

/**
 * Writes `content` between this section's markers in RESULTS.md, keeping the other benchmarks' sections
 * (the gateway benchmark and the client choice each own one).
 */
function writeSection(file, name, content) {
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${begin}\n${content.trim()}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\nWritten by `npm run bench` and `npm run bench:client`; each run replaces its own section.\n';
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from !== -1 && to > from) text = text.slice(0, from) + block + text.slice(to + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * Stops every child on SIGINT/SIGTERM and after `limitMs`, so a run never outlives its budget.
 * Returns a function that disarms the time limit.
 */
function guard(children, limitMs) {
  let stopping = false;
  const abort = (why, code) => {
    if (stopping) process.exit(code);
    stopping = true;
    process.stderr.write(`\nbench: ${why}; stopping children\n`);
    children.stopAll(2000).finally(() => process.exit(code));
  };
  process.on('SIGINT', () => abort('interrupted', 130));
  process.on('SIGTERM', () => abort('terminated', 143));
  const timer = setTimeout(() => abort(`time limit of ${Math.round(limitMs / 1000)} s reached`, 1), limitMs);
  timer.unref();
  return () => clearTimeout(timer);
}

module.exports = { HOST, intEnv, sleep, Children, send, freePort, load, peakRssMiB, failures, combine, median, fmt, resultTable, machine, writeSection, guard };
