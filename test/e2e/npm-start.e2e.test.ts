import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/omgw-process';

/**
 * The first commands of a new user, as real processes: `npx omgw --version`, `omgw check-config`, and `npm start`
 * (no rebuild when dist/ is current; SIGTERM/SIGINT to npm stop the gateway, leaving nothing on the port).
 */
const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function newest(dir: string): number {
  let at = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) at = Math.max(at, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs);
  return at;
}

beforeAll(() => {
  // As `npm start` would: build only when a source is newer than dist/.
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-if-stale.js')], { cwd: ROOT, stdio: 'pipe' });
  expect(statSync(CLI).mtimeMs).toBeGreaterThanOrEqual(newest(join(ROOT, 'src')));
}, 180_000);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omgw-start-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...extra });
// npx installs a project's own bin into its cache once and reuses that install: each run gets an empty cache, so what
// an earlier run (on this machine, at this path) left there cannot decide the outcome.
const npxEnv = () => env({ npm_config_cache: join(dir, 'npm-cache'), npm_config_update_notifier: 'false' });
const npx = (cwd: string, ...args: string[]) => spawnSync('npx', ['--no-install', ...args], { cwd, env: npxEnv(), encoding: 'utf8', timeout: 120_000 });

describe('omgw on the command line', () => {
  it('npx omgw --version prints the package version', () => {
    const run = npx(ROOT, 'omgw', '--version');
    expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
    expect(run.stdout.trim()).toBe(`omgw ${VERSION}`);
  });

  it('npx omgw works in a checkout never built: the first run compiles, and npx keeps a working command', () => {
    // The project's shape with the real bin entry, launcher and build script, one source, and the real compiler. A bin
    // pointing into dist/ would be skipped by npm here (no file yet), and npx would cache that command-less install.
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: { omgw: string } };
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'omgw-shape', version: '0.0.0', private: true, bin: manifest.bin }));
    for (const sub of ['bin', 'scripts', 'src', 'node_modules']) mkdirSync(join(dir, sub));
    copyFileSync(join(ROOT, manifest.bin.omgw), join(dir, manifest.bin.omgw));
    copyFileSync(join(ROOT, 'scripts/build-if-stale.js'), join(dir, 'scripts/build-if-stale.js'));
    symlinkSync(join(ROOT, 'node_modules/typescript'), join(dir, 'node_modules/typescript'));
    writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: 'src', module: 'commonjs', target: 'ES2022', types: [] }, include: ['src'] }));
    writeFileSync(join(dir, 'src/cli.ts'), "declare const process: { argv: string[]; stdout: { write(s: string): void } };\nprocess.stdout.write(`ran ${process.argv.slice(2).join(' ')}\\n`);\n");

    const first = npx(dir, 'omgw', '--version');
    expect({ status: first.status, stderr: first.stderr }).toMatchObject({ status: 0, stderr: expect.stringContaining('compiling') });
    expect(first.stdout).toBe('ran --version\n');
    const again = npx(dir, 'omgw', 'check-config');
    expect({ status: again.status, stderr: again.stderr }).toEqual({ status: 0, stderr: '' });
    expect(again.stdout).toBe('ran check-config\n');
  }, 180_000);

  it('check-config lists the dialects actually served, and warns of a baseUrl path that is not the API’s', () => {
    const file = join(dir, 'gw.yaml');
    writeFileSync(
      file,
      'inbound: { nexus: { enabled: false } }\nbackends: { up: { driver: gms, baseUrl: "http://gms.example/legacy" } }\n',
    );
    const run = spawnSync(process.execPath, [CLI, 'check-config', file], { cwd: dir, env: env(), encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    const [summary, ...rest] = run.stdout.trim().split('\n');
    expect(summary).toMatch(/valid — dialects served: gms(, [a-z]+)*; backends: up;/);
    expect(summary).not.toMatch(/served: [^;]*nexus/);
    expect(rest).toEqual([expect.stringMatching(/^warning: backends\.up\.baseUrl: path "\/legacy" does not end in \/genesys\/2\/openmedia/)]);
  });
});

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolveOpen) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolveOpen(true);
    });
    socket.once('error', () => resolveOpen(false));
  });

describe('npm start', () => {
  it.each([['SIGTERM'], ['SIGINT']] as const)('starts without rebuilding a current dist/, and %s to npm stops the gateway: nothing is left on the port', async (signal) => {
    const port = await freePort();
    const file = join(dir, 'gw.yaml');
    writeFileSync(file, `server: { host: 127.0.0.1, port: ${port} }\n`);
    const npm = spawn('npm', ['start', '--', '--config', file], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    npm.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    npm.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const exited = new Promise<number | null>((r) => npm.once('exit', (code) => r(code)));
    try {
      for (let i = 0; i < 600 && !output.includes('"listening"'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain('"listening"');
      expect(output).not.toContain('compiling');
      expect(await portOpen(port)).toBe(true);
      npm.kill(signal);
      await exited;
      let open = true;
      for (let i = 0; i < 100 && open; i++) {
        open = await portOpen(port);
        if (open) await new Promise((r) => setTimeout(r, 100));
      }
      expect(open).toBe(false);
      expect(output).toContain('"stopped"');
    } finally {
      npm.kill('SIGKILL');
    }
  }, 120_000);

  it('builds when a source is newer than dist/, and only then', () => {
    // A copy of the project's shape: the script, one source, the build config, and the real compiler.
    mkdirSync(join(dir, 'scripts'));
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'node_modules'));
    copyFileSync(join(ROOT, 'scripts/build-if-stale.js'), join(dir, 'scripts/build-if-stale.js'));
    symlinkSync(join(ROOT, 'node_modules/typescript'), join(dir, 'node_modules/typescript'));
    writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: 'src', module: 'commonjs', target: 'ES2022' }, include: ['src'] }));
    writeFileSync(join(dir, 'src/cli.ts'), 'export const answer: number = 42;\n');
    const run = () => spawnSync(process.execPath, [join(dir, 'scripts/build-if-stale.js')], { cwd: dir, env: env(), encoding: 'utf8', timeout: 120_000 });

    expect(run().stderr).toContain('compiling');
    const builtAt = statSync(join(dir, 'dist/cli.js')).mtimeMs;
    expect(run().stderr).toBe('');
    expect(statSync(join(dir, 'dist/cli.js')).mtimeMs).toBe(builtAt);
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'src/cli.ts'), later, later);
    expect(run().stderr).toContain('compiling');
  }, 180_000);
});
