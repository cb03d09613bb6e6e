'use strict';
// `npm run bench:client`: which HTTP client the gateway's upstream calls go through. The same small forwarder
// (bench/forwarder.js) runs once with axios (keep-alive agent, maxRedirects 0) and once with undici Pool.request,
// side by side against the same upstream; the rule is undici unless axios comes within 15 % of its throughput.
// Settings: BENCH_DURATION (s, 10), BENCH_CONNECTIONS (50), BENCH_ROUNDS (1), BENCH_WARMUP (s, 2), BENCH_POOL (64).
const path = require('node:path');
const lib = require('./lib');

const RESULTS = path.join(__dirname, 'RESULTS.md');
const settings = {
  duration: lib.intEnv('BENCH_DURATION', 10),
  connections: lib.intEnv('BENCH_CONNECTIONS', 50),
  rounds: lib.intEnv('BENCH_ROUNDS', 1),
  warmup: lib.intEnv('BENCH_WARMUP', 2),
  pool: lib.intEnv('BENCH_POOL', 64),
};
settings.warmup = Math.min(settings.warmup, settings.duration);
const CLIENTS = ['axios', 'undici'];
const BODY = 'externalId=xy932&userData%5BOrderNumber%5D=ABC123&userData%5BTestKey2%5D=Test+value';

async function main() {
  const children = new lib.Children();
  const disarm = lib.guard(children, (60 + settings.rounds * CLIENTS.length * (settings.warmup + settings.duration + 3)) * 1000);
  const runs = Object.fromEntries(CLIENTS.map((c) => [c, []]));
  try {
    const upstream = await children.fork(path.join(__dirname, 'upstream.js'));
    const targets = [];
    for (const name of CLIENTS) {
      const fwd = await children.fork(path.join(__dirname, 'forwarder.js'), [name, upstream.url, '0', String(settings.pool)]);
      targets.push({
        name,
        pid: fwd.child.pid,
        url: `${fwd.url}/genesys/2/openmedia/svc`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: BODY,
        verify: (b) => b.startsWith('{"statusCode":0,'),
      });
    }
    for (const t of targets) {
      const res = await lib.send(t.url, t);
      if (res.status !== 200 || !t.verify(res.body)) throw new Error(`${t.name} forwarder answered ${res.status} ${res.body}`);
    }
    for (let round = 1; round <= settings.rounds; round++) {
      for (const t of targets) {
        process.stdout.write(`round ${round}/${settings.rounds}  ${t.name}: warm-up ${settings.warmup} s, run ${settings.duration} s… `);
        await lib.load(t, { connections: settings.connections, duration: settings.warmup });
        const r = await lib.load(t, { connections: settings.connections, duration: settings.duration, pid: t.pid });
        runs[t.name].push(r);
        process.stdout.write(`${lib.fmt.int(r.rps)} req/s${lib.failures(r) ? `  ${lib.failures(r)} FAILED` : ''}\n`);
      }
    }
  } finally {
    await children.stopAll();
    disarm();
  }

  const med = Object.fromEntries(CLIENTS.map((c) => [c, lib.combine(runs[c])]));
  const ratio = med.axios.rps / med.undici.rps;
  const invalid = CLIENTS.filter((c) => lib.failures(med[c]) > 0);
  const verdict = ratio >= 0.85 ? 'axios is within 15 % of undici: either will do' : `undici (axios reaches ${Math.round(ratio * 100)} % of its throughput)`;
  const lines = [
    `## HTTP client choice (${new Date().toISOString()})`,
    '',
    `${lib.machine()}. Forwarder: node:http + qs → JSON POST to the bench Nexus upstream; ${settings.connections} connections,` +
      ` ${settings.duration} s per run after a ${settings.warmup} s warm-up, ${settings.rounds} round(s) interleaved (medians),` +
      ` ${settings.pool} keep-alive upstream connections, NODE_ENV=production. axios: keep-alive http.Agent, maxRedirects 0, text response;` +
      ' undici: Pool.request.',
    '',
    lib.resultTable(CLIENTS.map((c) => ({ label: c, r: med[c] }))),
    '',
    `axios / undici: throughput ${lib.fmt.ratio(ratio)}, p99 ${lib.fmt.ratio(med.axios.p99 / med.undici.p99)},` +
      ` CPU per request ${lib.fmt.ratio(med.axios.cpuUsPerRequest / med.undici.cpuUsPerRequest)}. Choice: ${verdict}.`,
  ];
  if (invalid.length > 0) lines.push('', `**INVALID RUN: ${invalid.join(', ')} had failed responses. Its figures do not count.**`);
  const text = lines.join('\n');
  process.stdout.write(`\n${text}\n`);
  lib.writeSection(RESULTS, 'client-choice', text);
  if (invalid.length > 0) {
    process.stderr.write(`\n!!! INVALID RUN: ${invalid.join(', ')} had failed responses !!!\n\n`);
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
