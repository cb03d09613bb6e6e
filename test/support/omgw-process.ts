import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

/** The `omgw` command line as an operator runs it: the built dist/cli.js as a real process. */

export const ROOT = resolve(__dirname, '../..');
export const DIST = join(ROOT, 'dist');
export const CLI = join(DIST, 'cli.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ once when any source is newer than it (for `beforeAll`, with a generous timeout). */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    /* not built yet */
  }
  if (built >= newestMtime(join(ROOT, 'src'))) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch (err) {
    // Type errors still emit JavaScript (no noEmitOnError); only a missing output is fatal here.
    statSync(CLI);
    const out = (err as { stdout?: Buffer }).stdout?.toString() ?? '';
    process.stderr.write(`tsc reported errors while building dist/ for the process tests:\n${out.slice(0, 2000)}\n`);
  }
}

export interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stdout JSON log line matching `predicate`. */
  logLine(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

const running = new Set<ChildProcess>();

/** Kills every process `spawnNode` started that is still running (for `afterEach`/`afterAll`). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** The CLI with a clean environment (nothing inherited can choose a config or a port). */
export const omgw = (args: string[], options: { env?: Record<string, string>; cwd: string }): Run => spawnNode([CLI, ...args], options);

/** Node running `args` in `cwd`, its output collected line by line. */
export function spawnNode(args: string[], options: { env?: Record<string, string>; cwd: string }): Run {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: (() => void)[] = [];
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      into.push(...lines);
      for (const w of waiters) w();
    };
  };
  child.stdout!.on('data', collect(stdout));
  child.stderr!.on('data', collect(stderr));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      for (const w of waiters) w();
      resolveExit({ code, signal });
    }),
  );
  const parsed = () =>
    stdout.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const logLine: Run['logLine'] = (predicate, timeoutMs = 15000) =>
    new Promise((resolveLine, reject) => {
      const check = () => {
        const found = parsed().find(predicate);
        if (found) {
          clearTimeout(timer);
          resolveLine(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer);
          reject(new Error(`process exited (${child.exitCode ?? child.signalCode}) before the log line:\n${stdout.join('\n')}\n${stderr.join('\n')}`));
        }
      };
      const timer = setTimeout(() => reject(new Error(`no such log line within ${timeoutMs} ms:\n${stdout.join('\n')}\n${stderr.join('\n')}`)), timeoutMs);
      waiters.push(check);
      check();
    });
  return { child, stdout, stderr, exited, logLine };
}

export const isListening = (l: Record<string, unknown>): boolean => l.message === 'listening';

/** A port nobody listens on right now: listen on 0, note it, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A plain GET on 127.0.0.1, no keep-alive. */
export function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolveGet, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolveGet({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
