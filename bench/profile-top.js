'use strict';
// Self time of a V8 .cpuprofile, by function and by package, as markdown.
// Usage: node bench/profile-top.js <file.cpuprofile> [top N]
// From run.js it is given the windows of the gateway's measured runs (monotonic µs, the clock V8 stamps samples
// with, shared by every process on the machine), so start-up and the other targets' runs do not dilute it.
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

function summarize(file, top = 25, windows = []) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
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
    const where = shortUrl(callFrame.url);
    const key = where ? `${name} ${where}:${callFrame.lineNumber + 1}` : name;
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
