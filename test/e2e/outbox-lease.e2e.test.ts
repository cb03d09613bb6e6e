import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countingNexusRelay, heldBack, FakeUpstream, type Handler } from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';

/**
 * The outbox's delivery lease (DESIGN §7) with an upstream slower than `outbox.leaseMs`: two gateways on one
 * SQLite file, each with a worker for the same backend. The holder keeps its lease while its create is in flight,
 * so the other never sends that create a second time; the create is delivered once and its reserved id answers
 * the upstream's interaction (not a refusal written by an attempt that was overtaken).
 */

/** Renewed every third of it: long enough that a loaded machine renews in time, short against the held send. */
const LEASE_MS = 2000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('outbox lease with a create in flight longer than leaseMs', () => {
  let dir: string;
  let back: TestGateway;
  const gateways: TestGateway[] = [];
  const { handler: relay, applied } = countingNexusRelay(() => back.url);
  /** Creates sent upstream, by externalId: a repeat is a second send, whatever the upstream then makes of it. */
  const sent = new Map<string, number>();
  let up = false;
  let slow = heldBack(relay);
  const upstream = new FakeUpstream(((req, res, seen) => {
    if (!up) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":{"code":503,"message":"down"}}');
    if (seen.method !== 'POST' || !seen.path.endsWith('/interactions')) return relay(req, res, seen);
    const { externalId } = JSON.parse(seen.body) as { externalId: string };
    sent.set(externalId, (sent.get(externalId) ?? 0) + 1);
    slow.handler(req, res, seen);
  }) as Handler);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omgw-lease-'));
    back = await startGateway();
    await upstream.start();
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await upstream.close();
    await back.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const replica = async (): Promise<TestGateway> => {
    const g = await startGateway({
      inbound: { nexus: { apiKeys: { client: { services: ['*'] } } } },
      server: { requestTimeoutMs: 20_000 },
      backends: { cloud: { driver: 'nexus', baseUrl: `${upstream.url}/nexus/v3`, apiKey: 'k', outbox: true, retries: 0, breakerThreshold: 1000, timeoutMs: 15_000 } },
      store: { kind: 'sqlite', path: join(dir, 'state.db') },
      outbox: { retryMs: 20, maxRetryMs: 50, leaseMs: LEASE_MS },
    });
    gateways.push(g);
    return g;
  };

  const nexus = async (g: TestGateway, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(`${g.url}/nexus/v3/openmedia/orders${path}`, {
      method,
      headers: { 'x-api-key': 'client', ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as { data: { id: string; state?: string } } };
  };

  it('the other replica waits for the holder: the create is sent once and its reserved id is the upstream interaction', async () => {
    const [a, b] = [await replica(), await replica()];
    const created = await nexus(a, 'POST', '/interactions', { externalId: 'lease-1', userData: {} });
    expect(created.status).toBe(202);
    const reserved = created.json.data.id;

    up = true;
    // The first send is held upstream for many leases: the other replica polls every 20 ms meanwhile.
    for (let i = 0; i < 500 && sent.size === 0; i += 1) await sleep(10);
    expect(sent.get('lease-1')).toBe(1);
    await sleep(3 * LEASE_MS);
    slow.release();
    slow = heldBack(relay);
    slow.release();

    for (let i = 0; i < 500 && (await nexus(b, 'GET', `/interactions/${reserved}`)).json.data.id === reserved; i += 1) await sleep(20);
    const delivered = await nexus(b, 'GET', `/interactions/${reserved}`);
    expect(delivered.status).toBe(200);
    expect(delivered.json.data.id).not.toBe(reserved);
    expect(Object.fromEntries(sent)).toEqual({ 'lease-1': 1 });
    expect(applied.get('lease-1')).toBe(1);
    expect((await nexus(a, 'GET', `/interactions/${reserved}`)).json.data.id).toBe(delivered.json.data.id);
  });
});
