import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type TestGateway } from '../support/gateway';
import { ensureBuilt, freePort, get, killAll, omgw, type Run } from '../support/omgw-process';

/**
 * server.workers: N processes of the built CLI on one port (node:cluster), in front of a real Nexus upstream
 * (the gateway's own Nexus inbound over the memory contact center).
 */

let dir: string;
let upstream: TestGateway;

beforeAll(async () => {
  ensureBuilt();
  upstream = await startGateway({ inbound: { nexus: { apiKeys: { 'up-key': { services: ['*'] } } } } });
}, 180_000);
afterAll(() => upstream.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omgw-workers-'));
});
afterEach(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

async function startClustered(workers: number, storePath = join(dir, 'state.db')): Promise<{ run: Run; port: number; pids: number[] }> {
  const port = await freePort();
  const file = join(dir, 'gw.yaml');
  writeFileSync(
    file,
    [
      `server: { host: 127.0.0.1, port: ${port}, workers: ${workers}, shutdownTimeoutMs: 2000 }`,
      'backends:',
      `  cloud: { driver: nexus, baseUrl: "${upstream.url}/nexus/v3", apiKey: up-key }`,
      // Shared by the workers (DESIGN §7): idempotency records and the id index.
      `store: { kind: sqlite, path: "${storePath}" }`,
      '',
    ].join('\n'),
  );
  const run = omgw(['start', '--config', file], { cwd: dir });
  // Generous: on a loaded machine each worker loads the whole gateway before it listens.
  const listening = await run.logLine((l) => l.message === 'listening', 120_000);
  expect(listening).toMatchObject({ url: `http://127.0.0.1:${port}`, workers, backends: ['cloud'] });
  return { run, port, pids: workerPids(run) };
}

const workerPids = (run: Run): number[] =>
  run.stdout.flatMap((l) => {
    try {
      const line = JSON.parse(l) as { message?: string; pid?: number };
      return line.message === 'worker listening' && typeof line.pid === 'number' ? [line.pid] : [];
    } catch {
      return [];
    }
  });

/** A GMS create on a connection of its own, so node:cluster hands it to the next worker in turn. */
function gmsCreate(port: number, externalId: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = `externalId=${externalId}&userData%5BOrder%5D=A-1`;
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/genesys/2/openmedia/svc', method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const createdOk = (text: string): number => {
  const m = /^omgw_requests_total\{dialect="gms",command="create",outcome="ok"\} (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
};

describe('server.workers', () => {
  it('serves one port from N processes; /metrics adds up every worker, whichever one is scraped; SIGTERM stops all', async () => {
    const { run, port, pids } = await startClustered(2);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(run.child.pid);

    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => gmsCreate(port, `w-${i}`)));
    for (const a of answers) expect(JSON.parse(a.body)).toMatchObject({ statusCode: 0, interactionId: expect.any(String) });

    // Connections go to the workers in turn: consecutive scrapes reach different workers, and each sees all 12.
    for (let i = 0; i < 4; i++) {
      const scrape = await get(port, '/metrics');
      expect(scrape.status).toBe(200);
      expect(createdOk(scrape.body)).toBe(12);
      expect(scrape.body).toMatch(/^omgw_breaker_state\{backend="cloud"\} 0$/m);
    }

    run.child.kill('SIGTERM');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(run.stdout.some((l) => l.includes('"stopped"'))).toBe(true);
  }, 300_000);

  it('a worker that dies is replaced, and the port keeps answering', async () => {
    const { run, port, pids } = await startClustered(2);
    process.kill(pids[0]!, 'SIGKILL');
    await run.logLine((l) => l.message === 'worker listening' && typeof l.pid === 'number' && !pids.includes(l.pid), 120_000);
    const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => gmsCreate(port, `r-${i}`)));
    for (const a of answers) expect(JSON.parse(a.body)).toMatchObject({ statusCode: 0 });
    expect(run.stdout.some((l) => l.includes('worker died'))).toBe(true);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  }, 300_000);

  it('a replacement that cannot start is tried again while the other worker serves, and serves once it can', async () => {
    mkdirSync(join(dir, 'state'));
    const { run, port, pids } = await startClustered(2, join(dir, 'state', 'state.db'));
    // The running workers hold the file open; a new one cannot open it while its folder is elsewhere.
    renameSync(join(dir, 'state'), join(dir, 'away'));
    process.kill(pids[0]!, 'SIGKILL');
    const failed = await run.logLine((l) => l.message === 'a replacement worker could not start; trying again', 120_000);
    expect(failed).toMatchObject({ retryInMs: 1000 });
    expect(run.stderr.join('\n')).toContain('The sqlite state store could not be opened');
    // Meanwhile the port answers, from the worker left.
    expect(JSON.parse((await gmsCreate(port, 'during')).body)).toMatchObject({ statusCode: 0 });
    renameSync(join(dir, 'away'), join(dir, 'state'));
    await run.logLine((l) => l.message === 'worker listening' && typeof l.pid === 'number' && !pids.includes(l.pid), 120_000);
    const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => gmsCreate(port, `after-${i}`)));
    for (const a of answers) expect(JSON.parse(a.body)).toMatchObject({ statusCode: 0 });
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  }, 300_000);

  it('refuses more than one worker with the embedded memory contact center, saying why', async () => {
    const file = join(dir, 'mem.yaml');
    writeFileSync(file, `server: { host: 127.0.0.1, port: 0, workers: 2 }\nstore: { kind: sqlite, path: "${join(dir, 'state.db')}" }\n`);
    const run = omgw(['start', '--config', file], { cwd: dir });
    expect((await run.exited).code).toBe(1);
    expect(run.stderr.join('\n')).toContain('server.workers: workers: 2 runs several processes, but backend "sim" uses the embedded memory contact center');
    expect(run.stdout.join('')).not.toContain('listening');
  }, 120_000);
});
