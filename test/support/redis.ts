import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './omgw-process';

/**
 * A real Redis for the tests that need one: Debian's `redis-server` on 127.0.0.1 and a free port, in a temp dir,
 * with no persistence. Where it is not installed those suites are skipped, and say so.
 */
export const REDIS_SERVER = 'redis-server';
export const redisInstalled = spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;
const SKIP_REASON = 'skipped: redis-server not installed (apt-get install redis-server)';

/** `describe`, or a `describe.skip` whose title says why, with one line on stderr so `npm test` shows it. */
export function describeWithRedis(title: string, body: () => void): void {
  if (redisInstalled) {
    describe(title, body);
    return;
  }
  process.stderr.write(`[${SKIP_REASON}] ${title}\n`);
  describe.skip(`${title} (${SKIP_REASON})`, body);
}

export interface RedisServer {
  url: string;
  port: number;
  /** Kills the server (its clients see it go down); `start()` brings it back on the same port, empty. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers, as a hung server; `resume()` thaws it. */
  pause(): void;
  resume(): void;
  /** Stops it for good and removes its directory. */
  close(): Promise<void>;
}

const READY = /Ready to accept connections/;
/** Servers still running, killed if the test process ends without closing them: none outlives its tests. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
const START_TIMEOUT_MS = 15_000;

export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'omgw-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'notice'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const started = child;
    live.add(started);
    started.once('exit', () => live.delete(started));
    await waitReady(started);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function waitReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server not ready within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (READY.test(output)) done();
    };
    const onExit = (code: number | null) => fail(new Error(`redis-server exited (${code}) before it was ready:\n${output}`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
    };
    const done = () => {
      cleanup();
      resolve();
    };
    const fail = (err: Error) => {
      cleanup();
      child.kill('SIGKILL');
      reject(err);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', onExit);
  });
}
