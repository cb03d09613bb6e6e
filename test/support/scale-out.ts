import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUpstream, forwardTo } from './fake-upstream';
import { startGateway, type TestGateway } from './gateway';
import { freePort, get, killAll, omgw, type Run } from './omgw-process';
import { startRedis, type RedisServer } from './redis';

/** One gateway replica: a real `omgw start` process on 127.0.0.1. */
export interface Replica {
  url: string;
  run: Run;
}

/**
 * Scale-out as deployed (README "Scale-out"): `replicas` gateway processes sharing one real Redis, each with a
 * nexus backend to ONE sandbox upstream (a gateway on its memory contact center), reached through a recorder that
 * counts what the upstream really received. Call `ensureBuilt` (test/support/omgw-process) in `beforeAll` first.
 */
export interface ScaleOut {
  redis: RedisServer;
  /** The sandbox upstream: every dialect over the memory contact center. */
  upstream: TestGateway;
  /** Every request the upstream received, in order (Nexus v3 from the replicas' nexus driver). */
  recorder: FakeUpstream;
  replicas: Replica[];
  /** Creates that reached the upstream for `service`. */
  upstreamCreates(service: string): number;
  close(): Promise<void>;
}

export interface ScaleOutOptions {
  replicas?: number;
  /** Merged over each replica's config (top-level keys replace), e.g. `{ idempotency: { waitMs: 5000 } }`. */
  config?: Record<string, unknown>;
}

export const SCALE_OUT_API_KEY = 'replica-key';

export async function startScaleOut(options: ScaleOutOptions = {}): Promise<ScaleOut> {
  const dir = mkdtempSync(join(tmpdir(), 'omgw-scale-'));
  const redis = await startRedis();
  const upstream = await startGateway();
  const recorder = await new FakeUpstream(forwardTo(() => upstream.url)).start();
  const replicas: Replica[] = [];
  const close = async () => {
    await Promise.all(replicas.map(async ({ run }) => {
      run.child.kill('SIGTERM');
      await run.exited;
    }));
    killAll();
    await recorder.close();
    await upstream.close();
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < (options.replicas ?? 2); i++) {
      const port = await freePort();
      const config = {
        server: { host: '127.0.0.1', port, shutdownTimeoutMs: 2000 },
        logging: { level: 'warn' },
        backends: { cloud: { driver: 'nexus', baseUrl: `${recorder.url}/nexus/v3`, apiKey: SCALE_OUT_API_KEY, retries: 0 } },
        routes: [{ service: '*', backend: 'cloud' }],
        store: { kind: 'redis', url: redis.url, keyPrefix: 'omgw:' },
        ...options.config,
      };
      const file = join(dir, `replica-${i}.json`);
      writeFileSync(file, JSON.stringify(config));
      const run = omgw(['start', '--config', file], { cwd: dir });
      replicas.push({ url: `http://127.0.0.1:${port}`, run });
    }
    await Promise.all(replicas.map((r) => ready(r)));
  } catch (err) {
    await close();
    throw err;
  }
  return {
    redis,
    upstream,
    recorder,
    replicas,
    upstreamCreates: (service) => recorder.count(`POST /nexus/v3/openmedia/${service}/interactions`),
    close,
  };
}

/** Ready (listening, its store reachable): only then does a test send it work. */
async function ready(replica: Replica): Promise<void> {
  const { port } = new URL(replica.url);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await get(Number(port), '/readyz').catch(() => undefined);
    if (answer?.status === 200) return;
    if (Date.now() > deadline || replica.run.child.exitCode !== null) {
      throw new Error(`replica ${replica.url} not ready: ${answer?.body ?? 'no answer'}\n${replica.run.stderr.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
