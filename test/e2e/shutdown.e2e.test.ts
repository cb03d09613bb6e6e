import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appliedThen, FakeUpstream, hang } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';
import { call } from '../support/http-call';
import { ensureBuilt, freePort, isListening, killAll, omgw } from '../support/omgw-process';

/**
 * Shutdown never drops an accepted call: a request whose upstream call outlives shutdownTimeoutMs (1 s in the
 * tests) gets its dialect's "try again" (GMS statusCode 1, Nexus 503 + Retry-After) before the connection closes.
 * The upstream is the gateway's own Nexus inbound over memory, which applies each request at once and never
 * answers, as a real upstream whose answer is slower than anything the gateway waits for.
 */

/** The attempt timeout: without the shutdown, the pending calls would be answered only then, as timeouts. */
const UPSTREAM_TIMEOUT_MS = 5000;

describe('shutdown with upstream calls still pending', () => {
  let back: TestGateway;
  const upstream = new FakeUpstream(appliedThen(() => back.url, { lateMs: 10 * UPSTREAM_TIMEOUT_MS }));
  beforeAll(async () => {
    back = await startGateway();
    await upstream.start();
  });
  afterAll(async () => {
    await upstream.close();
    await back.close();
  });

  it('answers each pending request with its dialect’s try-again, and the accepted writes are not lost', async () => {
    const front = await startGateway({
      server: { requestTimeoutMs: 20000 },
      backends: { up: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'k', timeoutMs: UPSTREAM_TIMEOUT_MS, retries: 0 } },
    });
    const gms = call(front, '/genesys/2/openmedia/svc', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'externalId=at-shutdown-g' });
    const nexus = call(front, '/nexus/v3/openmedia/svc/interactions', { headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body: '{"externalId":"at-shutdown-n"}' });
    for (let i = 0; i < 200 && upstream.recorded.length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(upstream.recorded).toHaveLength(2);

    const started = Date.now();
    const closing = front.close();
    const [gmsAnswer, nexusAnswer] = await Promise.all([gms, nexus]);
    const answeredMs = Date.now() - started;
    expect(gmsAnswer).toMatchObject({ status: 200, json: { statusCode: 1 }, headers: { connection: 'close' } });
    expect(nexusAnswer).toMatchObject({ status: 503, json: { status: { code: 503 } }, headers: { connection: 'close', 'retry-after': '1' } });
    // At the shutdown timeout (1 s), not at the attempt timeout.
    expect(answeredMs).toBeLessThan(UPSTREAM_TIMEOUT_MS);
    await closing;

    // The writes reached the upstream once each: a retry finds them (and makes no second one).
    const key = { 'x-api-key': 'k' };
    expect((await call(back, '/nexus/v3/openmedia/svc/interactions/ext_at-shutdown-g', { headers: key })).status).toBe(200);
    expect((await call(back, '/nexus/v3/openmedia/svc/interactions/ext_at-shutdown-n', { headers: key })).status).toBe(200);
  });
});

/**
 * The process ends within server.shutdownTimeoutMs even when an upstream never answers: the calls still pending
 * then are cut (their callers already got "try again"), not waited for until the backend's attempt timeout.
 */
describe('a gateway process shutting down with an upstream that hangs', () => {
  const SHUTDOWN_TIMEOUT_MS = 1000;
  /** Far beyond the shutdown timeout: a process waiting for the hung calls would still be alive long after it. */
  const HUNG_TIMEOUT_MS = 30_000;
  const upstream = new FakeUpstream(hang);
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'omgw-shutdown-'));
    await upstream.start();
  }, 180_000);
  afterAll(async () => {
    killAll();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits within shutdownTimeoutMs plus a margin; the pending create is answered try-again', async () => {
    const port = await freePort();
    const file = join(dir, 'gateway.json');
    writeFileSync(
      file,
      JSON.stringify({
        server: { port, host: '127.0.0.1', requestTimeoutMs: HUNG_TIMEOUT_MS, shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS },
        inbound: { nexus: { apiKeys: { client: { services: ['*'] } } } },
        backends: { hung: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'k', timeoutMs: HUNG_TIMEOUT_MS, retries: 0 } },
      }),
    );
    const run = omgw(['start', '--config', file], { cwd: dir });
    await run.logLine(isListening, 30_000);
    const pending = fetch(`http://127.0.0.1:${port}/nexus/v3/openmedia/svc/interactions`, {
      method: 'POST',
      headers: { 'x-api-key': 'client', 'content-type': 'application/json' },
      body: '{"externalId":"hung-at-shutdown"}',
    }).then(async (res) => ({ status: res.status, retryAfter: res.headers.get('retry-after') }));
    for (let i = 0; i < 400 && upstream.total() === 0; i += 1) await new Promise((r) => setTimeout(r, 25));
    expect(upstream.total()).toBe(1);

    const started = Date.now();
    run.child.kill('SIGTERM');
    const exit = await run.exited;
    const exitedMs = Date.now() - started;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await pending).toEqual({ status: 503, retryAfter: '1' });
    // A loaded machine gets a wide margin; waiting for the hung call would take HUNG_TIMEOUT_MS.
    expect(exitedMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 5000);
  }, 120_000);
});
