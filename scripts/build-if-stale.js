#!/usr/bin/env node
// `npm start` and the `omgw` command run this first: it compiles only when a source, a tsconfig or the lock file is
// newer than the last build, so starting an up-to-date checkout costs a few milliseconds instead of a full compile.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
// tsc rewrites every output on each build: the entry point's time is the last build's.
const built = join(root, 'dist', 'cli.js');

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

function buildIfStale() {
  // A copy without sources (a built image, a packed tarball) runs what it ships.
  if (!existsSync(join(root, 'src'))) return;
  const inputs = Math.max(newestIn(join(root, 'src')), ...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) => mtime(join(root, f))));
  const builtAt = mtime(built);
  if (builtAt > 0 && builtAt >= inputs) return;
  process.stderr.write(builtAt > 0 ? 'omgw: sources changed since the last build, compiling…\n' : 'omgw: first run, compiling…\n');
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write('omgw: cannot compile: TypeScript is not installed here (`npm ci` installs it)\n');
    process.exit(1);
  }
  try {
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  } catch (err) {
    // The compiler has printed why.
    process.exit(typeof err.status === 'number' && err.status > 0 ? err.status : 1);
  }
}

module.exports = { buildIfStale };
if (require.main === module) buildIfStale();
