import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startGateway, type TestGateway } from '../support/gateway';

/**
 * A single-page app in real headless Chromium calls both dialects with fetch from another origin (another port on
 * 127.0.0.1): the browser itself sends the preflights and enforces what the gateway's CORS answers allow.
 * Debian's `chromium` is used as installed (.ci/run installs it); no browser is ever downloaded.
 */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  // Said loudly, once: a skipped browser test must not pass for a run one.
  process.stderr.write(`\nSKIPPED browser.e2e: ${CHROMIUM} is not installed (apt-get install -y chromium; .ci/run installs it)\n\n`);
}

/** The page: the calls a single-page app makes, run in the page's own origin. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>omgw spa</title>
<script>
async function call(url, init) {
  try {
    const res = await fetch(url, init);
    const headers = {};
    for (const name of ['x-request-id', 'x-b3-traceid', 'retry-after']) headers[name] = res.headers.get(name);
    return { ok: true, status: res.status, headers, json: await res.json() };
  } catch (err) {
    return { ok: false, error: String(err) };
  }
}
window.runApp = async (gateway, tag) => {
  const gms = gateway + '/genesys/2/openmedia/spa-' + tag;
  const nexus = gateway + '/nexus/v3/openmedia/spa-' + tag + '/interactions';
  const form = { 'content-type': 'application/x-www-form-urlencoded', 'gms_user': 'web-agent' };
  const created = await call(gms, { method: 'POST', headers: form, body: new URLSearchParams({ externalId: 'web-' + tag, 'userData[Name]': 'Zoë & co' }) });
  const gmsGet = await call(gms + '/web-' + tag + '/get', { method: 'POST', headers: form, body: 'searchByExternalId=true' });
  const json = { 'content-type': 'application/json', 'x-api-key': 'spa-key', 'X-B3-TraceId': '463ac35c9f6413ad', 'Idempotency-Key': 'spa-' + tag };
  const nexusCreated = await call(nexus, { method: 'POST', headers: json, body: JSON.stringify({ externalId: 'nx-' + tag, userData: { a: 1 } }) });
  const nexusGet = await call(nexus + '/ext_web-' + tag, { headers: { 'x-api-key': 'spa-key' } });
  // An Idempotency-Key names one request: the stop, a different request, goes without the create's.
  const nexusStop = await call(nexus + '/ext_web-' + tag + '/stop', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'spa-key' }, body: '{}' });
  return { created, gmsGet, nexusCreated, nexusGet, nexusStop };
};
</script>`;

async function pageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

(available ? describe : describe.skip)(`browser: a page in headless Chromium calls both dialects with fetch${available ? '' : ' (SKIPPED: chromium not installed)'}`, () => {
  jest.setTimeout(90_000);
  let allowedPage: { server: Server; origin: string };
  let otherPage: { server: Server; origin: string };
  let gw: TestGateway;
  let profile: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    allowedPage = await pageServer();
    otherPage = await pageServer();
    gw = await startGateway({ server: { cors: { origins: [allowedPage.origin] } } });
    profile = mkdtempSync(join(tmpdir(), 'omgw-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    for (const page of [allowedPage, otherPage]) if (page) await new Promise<void>((resolve) => page.server.close(() => resolve()));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const runApp = async (origin: string, tag: string) => {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/`);
      return await page.evaluate(([gateway, t]) => (globalThis as any).runApp(gateway, t), [gw.url, tag] as const);
    } finally {
      await page.close();
    }
  };

  it('from an allowed origin: preflighted GMS and Nexus calls succeed and the page reads the exposed headers', async () => {
    const tag = Date.now().toString(36);
    const r = await runApp(allowedPage.origin, tag);
    expect(r.created).toMatchObject({ ok: true, status: 200, json: { statusCode: 0, interactionId: expect.any(String) } });
    expect(r.created.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.gmsGet.json.interactionProperties.interactionUserData).toEqual([
      { key: 'ExternalId', type: 'str', value: `web-${tag}` },
      { key: 'Name', type: 'str', value: 'Zoë & co' },
    ]);
    expect(r.nexusCreated).toMatchObject({ ok: true, status: 200, json: { status: { code: 0 }, data: { externalId: `nx-${tag}` } } });
    expect(r.nexusCreated.headers['x-b3-traceid']).toBe('463ac35c9f6413ad');
    expect(r.nexusGet).toMatchObject({ ok: true, status: 200, json: { data: { externalId: `web-${tag}`, state: 'queued' } } });
    expect(r.nexusStop).toMatchObject({ ok: true, status: 200 });
  });

  it('from an origin not in server.cors.origins: the browser refuses to hand the page any answer', async () => {
    const r = await runApp(otherPage.origin, `x${Date.now().toString(36)}`);
    for (const call of [r.created, r.gmsGet, r.nexusCreated, r.nexusGet, r.nexusStop]) {
      expect(call).toEqual({ ok: false, error: expect.stringContaining('Failed to fetch') });
    }
  });
});
