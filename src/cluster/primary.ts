import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../core/logger';
import { serveClusterMetrics } from './metrics-bridge';

export interface PrimaryOptions {
  workers: number;
  /** How long SIGTERM lets the workers drain before they are killed (server.shutdownTimeoutMs). */
  shutdownTimeoutMs: number;
  logger: Logger;
  /** Fields of the `listening` line, once every worker listens. */
  listeningFields: Record<string, unknown>;
}

/** Beyond the workers' own drain: time for them to close their backends and exit. */
const EXIT_GRACE_MS = 5000;
/** A replacement worker that cannot start is tried again after this, doubling up to the maximum. */
const FIRST_REPLACEMENT_DELAY_MS = 1000;
const MAX_REPLACEMENT_DELAY_MS = 30_000;

/**
 * The cluster primary: forks the workers (each re-runs this command and serves the one port, node:cluster
 * shares it), answers the aggregated /metrics, replaces a worker that dies while serving (and keeps trying when
 * a replacement cannot start), and on SIGTERM or SIGINT has every worker drain and exit before it exits itself.
 * It serves no request of its own.
 * Resolves with the process's exit code.
 */
export function runPrimary(options: PrimaryOptions): Promise<number> {
  const { logger } = options;
  serveClusterMetrics();
  const serving = new Set<Worker>();
  let stopping = false;
  let started = false;
  let replacementDelayMs = FIRST_REPLACEMENT_DELAY_MS;
  const replacementTimers = new Set<NodeJS.Timeout>();

  return new Promise<number>((resolve) => {
    const stopAll = (why: Record<string, unknown>, code: number) => {
      if (stopping) return;
      stopping = true;
      for (const timer of replacementTimers) clearTimeout(timer);
      logger.info('shutting down', { ...why, workers: Object.keys(cluster.workers ?? {}).length });
      const living = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      const hardStop = setTimeout(() => {
        for (const w of living) if (!w.isDead()) w.process.kill('SIGKILL');
      }, options.shutdownTimeoutMs + EXIT_GRACE_MS);
      let failed = false;
      Promise.all(
        living.map(
          (w) =>
            new Promise<void>((done) => {
              if (w.isDead()) return done();
              // A worker still starting has no handler yet and dies of the SIGTERM itself: it served nothing.
              const starting = !serving.has(w);
              w.once('exit', (exitCode, signal) => {
                if (exitCode !== 0 && !(starting && signal === 'SIGTERM')) failed = true;
                done();
              });
              w.process.kill('SIGTERM');
            }),
        ),
      ).then(() => {
        clearTimeout(hardStop);
        logger.info('stopped');
        resolve(failed ? 1 : code);
      });
    };

    cluster.on('listening', (worker, address) => {
      serving.add(worker);
      replacementDelayMs = FIRST_REPLACEMENT_DELAY_MS;
      logger.info('worker listening', { worker: worker.id, pid: worker.process.pid });
      if (!started && serving.size === options.workers) {
        started = true;
        const host = address.addressType === 6 ? `[${address.address}]` : address.address;
        logger.info('listening', { url: `http://${host}:${address.port}`, ...options.listeningFields, workers: options.workers });
      }
    });

    cluster.on('exit', (worker, code, signal) => {
      const wasServing = serving.delete(worker);
      if (stopping) return;
      if (!wasServing && !started) {
        // It never listened, and neither has the gateway: a start-up failure (port in use, bad config) that a new
        // worker would repeat. The worker has written why on stderr.
        logger.error('a worker could not start; stopping', { worker: worker.id, code, signal });
        stopAll({ reason: 'worker start-up failed' }, 1);
        return;
      }
      if (!wasServing) {
        // A replacement that could not start, while its siblings serve: what stopped it may pass (a lock on the
        // state store, a backend's address not resolving yet), so it is tried again, less and less often,
        // rather than taking the serving workers down with it.
        const delayMs = replacementDelayMs;
        replacementDelayMs = Math.min(replacementDelayMs * 2, MAX_REPLACEMENT_DELAY_MS);
        logger.error('a replacement worker could not start; trying again', { worker: worker.id, code, signal, retryInMs: delayMs });
        const timer = setTimeout(() => {
          replacementTimers.delete(timer);
          cluster.fork();
        }, delayMs);
        replacementTimers.add(timer);
        return;
      }
      logger.error('worker died; starting a replacement', { worker: worker.id, pid: worker.process.pid, code, signal });
      cluster.fork();
    });

    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
        process.exit(1);
      }
      stopAll({ signal }, 0);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);

    for (let i = 0; i < options.workers; i++) cluster.fork();
  });
}
