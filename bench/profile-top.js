'use strict';
// Self time of a V8 .cpuprofile, by function and by package, as markdown.
// Usage: node bench/profile-top.js <file.cpuprofile> [top N]
// run.js stores the windows of the gateway's measured runs in the profile (`benchWindows`, monotonic µs, the clock
// V8 stamps samples with, shared by every process on the machine): only samples inside them are counted, so
// start-up and the other targets' runs do not dilute the figures.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function shortUrl(url) {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  if (u.startsWith(ROOT + path.sep)) u = u.slice(ROOT.length + 1);
  return u;
}

/** Where a function lives, coarsely: a package, a Node subsystem, the gateway's own code, or a V8 pseudo-frame. */
function packageOf(url, name) {
  const u = shortUrl(url);
  if (u === '') return name.startsWith('(') ? name : '(native / V8 builtins)';
  const nm = u.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = u.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (u.startsWith('node:')) {
    const parts = u.slice('node:'.length).split('/');
    return parts[0] === 'internal' && parts.length > 2 ? `node:internal/${parts[1]}` : `node:${parts.slice(0, 2).join('/')}`;
  }
  if (u.startsWith('dist/')) return `gateway ${path.dirname(u)}`;
  return u;
}

/** Samples per node id, only those stamped inside one of `windows` ([fromUs, toUs]) when some are. */
function countSamples(profile, windows) {
  const all = new Map();
  const inside = new Map();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    all.set(id, (all.get(id) ?? 0) + 1);
    if (windows.some(([from, to]) => t >= from && t <= to)) inside.set(id, (inside.get(id) ?? 0) + 1);
  });
  return inside.size > 0 ? { samples: inside, scope: 'during the measured runs only' } : { samples: all, scope: 'whole process lifetime' };
}

const keyOf = (callFrame) => {
  const name = callFrame.functionName || '(anonymous)';
  const where = shortUrl(callFrame.url);
  return where ? `${name} ${where}:${callFrame.lineNumber + 1}` : name;
};

/**
 * Inclusive samples of the gateway's own functions (dist/): a sample counts once for every distinct gateway
 * function on its stack, so a layer's figure includes the libraries it calls (logRequest includes winston).
 */
function gatewayInclusive(profile, samples) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const inclusive = new Map();
  for (const [id, count] of samples) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { callFrame } = byId.get(at);
      if (!shortUrl(callFrame.url).startsWith('dist/')) continue;
      const key = keyOf(callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + count);
    }
  }
  return inclusive;
}

function summarize(file, top = 25) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const windows = profile.benchWindows ?? [];
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const { samples, scope } = countSamples(profile, windows);
  let totalSamples = 0;
  for (const n of samples.values()) totalSamples += n;
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);

  const byFunction = new Map();
  const byPackage = new Map();
  let idle = 0;
  for (const [id, count] of samples) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(root)') {
      idle += count;
      continue;
    }
    const key = keyOf(callFrame);
    byFunction.set(key, (byFunction.get(key) ?? 0) + count);
    const pkg = packageOf(callFrame.url, name);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + count);
  }
  const busy = totalSamples - idle;
  const pct = (n) => ((100 * n) / Math.max(1, busy)).toFixed(1);
  const ranked = (m, n) => [...m].sort((x, y) => y[1] - x[1]).slice(0, n);

  const lines = [
    `${totalSamples} samples (${scope}, ≈ ${msPerSample.toFixed(2)} ms each), ${((100 * idle) / Math.max(1, totalSamples)).toFixed(1)} % idle; shares below are of the busy samples.`,
    '',
    '| self % | self ms | function |',
    '|---:|---:|---|',
    ...ranked(byFunction, top).map(([k, n]) => `| ${pct(n)} | ${Math.round(n * msPerSample)} | \`${k}\` |`),
    '',
    '| self % | where |',
    '|---:|---|',
    ...ranked(byPackage, 20).map(([k, n]) => `| ${pct(n)} | ${k} |`),
    '',
    '| inclusive % | gateway function (with everything it calls) |',
    '|---:|---|',
    ...ranked(gatewayInclusive(profile, samples), 20).map(([k, n]) => `| ${pct(n)} | \`${k}\` |`),
  ];
  return lines.join('\n');
}

module.exports = { summarize };

if (require.main === module) {
  const [file, n] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/profile-top.js <file.cpuprofile> [top N]\n');
    process.exit(2);
  }
  process.stdout.write(`${summarize(file, Number(n ?? 25))}\n`);
}
