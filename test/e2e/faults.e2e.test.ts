import {
  closedPort,
  FakeUpstream,
  hang,
  heldBack,
  hugeBody,
  notHttpUpstream,
  resetBeforeAnswer,
  resetMidBody,
  serve,
  stallBody,
  type Reply,
} from '../support/fake-upstream';
import { startGateway, type TestGateway } from '../support/gateway';

/**
 * Upstream faults through the whole gateway over real HTTP (DESIGN §5, §8, §9): a client of one dialect → the
 * gateway → an HTTP driver → a fake upstream this file controls. The driver suites (nexus-driver, gms-driver)
 * check each failure's canonical mapping; here the point is what the *client* sees (its dialect's retryable or
 * rejected form, within the deadline, nothing of the upstream's body), that writes are not duplicated, that the
 * breaker shows in /readyz, and that the process goes on serving other routes and the recovered upstream.
 */

// ── what the fake upstream answers ───────────────────────────────────────────────────────────────────────────

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Reply => ({ status, json: value, headers });

/** Raw text, served as HTML unless `headers` say otherwise. */
const text = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({ status, text: body, headers: { 'content-type': 'text/html', ...headers } });

/** A 200 that streams more than the gateway will buffer (4 MiB). */
const endlessBody = hugeBody(6 * 1024 * 1024);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ── clients and the two directions ───────────────────────────────────────────────────────────────────────────

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  ms: number;
}

async function call(url: string, init: RequestInit): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text: body, json: parsed, ms: performance.now() - started };
}

/** What the client must see: status, body exactly, and the Retry-After header (null: none). */
interface Expected {
  status: number;
  body: unknown;
  retryAfter: string | null;
}

function expectAnswer(answer: Answer, expected: Expected): void {
  expect({ status: answer.status, body: answer.json, retryAfter: answer.headers.get('retry-after') }).toEqual(expected);
}

/** One direction: the client's dialect, the backend driver it is routed to, and what each side says. */
interface Direction {
  title: string;
  backendName: string;
  backend(upstreamUrl: string): Record<string, unknown>;
  create(gw: TestGateway, service: string, externalId?: string): Promise<Answer>;
  get(gw: TestGateway, service: string, id: string): Promise<Answer>;
  stop(gw: TestGateway, service: string, id: string): Promise<Answer>;
  /** Sets user-data key `k`: an upsert from GMS, a replace from Nexus. */
  update(gw: TestGateway, service: string, id: string): Promise<Answer>;
  /** `METHOD path` of each call as the upstream receives it. */
  upstreamCreate(service: string): string;
  upstreamGet(service: string, id: string): string;
  upstreamStop(service: string, id: string): string;
  upstreamUpdate(service: string, id: string): string;
  /** The upstream's successful answers. */
  created(id: string): Reply;
  interaction(id: string): Reply;
  /** The client's successful answers. */
  createdAnswer(id: string, externalId?: string): Expected;
  createdId(answer: Answer): unknown;
  gotId(answer: Answer): unknown;
  /** The client's failure forms. */
  unavailable(retryAfter?: string): Expected;
  /** A timeout; naming a write whose outcome it left unknown, as the answer then says. */
  timedOut(unknown?: 'stop' | 'update'): Expected;
  rejected(message: string): Expected;
  /** The upstream saying "unavailable, try again" in its own dialect, with a secret in it, and what the client sees. */
  ownUnavailable: Reply;
  ownUnavailableAnswer: Expected;
  /** A well-formed JSON answer of the wrong shape to a create, and the message it is rejected with. */
  wrongShapeCreated: Reply;
  wrongShapeMessage: string;
}

const SECRET = 'S3CRET-upstream-internals';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const gmsClient = (gw: TestGateway, path: string, body = ''): Promise<Answer> =>
  call(`${gw.url}/genesys/2/openmedia${path}`, { method: 'POST', headers: FORM, body });

const nexusClient = (gw: TestGateway, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> =>
  call(`${gw.url}/nexus/v3/openmedia${path}`, {
    method,
    headers: { 'x-api-key': 'client-key', ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

const RECEIVED = '2024-05-01T10:00:00.000Z';

/** GMS client → gms inbound → nexus driver → fake Nexus. */
const gmsToNexus: Direction = {
  title: 'GMS client → gateway (nexus driver) → Nexus upstream',
  backendName: 'cloud',
  backend: (url) => ({ driver: 'nexus', baseUrl: `${url}/nexus/v3`, apiKey: 'k' }),
  create: (gw, service, externalId) =>
    gmsClient(gw, `/${service}`, `${externalId === undefined ? '' : `externalId=${externalId}&`}userData%5Bk%5D=v`),
  get: (gw, service, id) => gmsClient(gw, `/${service}/${id}/get`),
  stop: (gw, service, id) => gmsClient(gw, `/${service}/${id}/stop`, 'reasonSystemName=done'),
  update: (gw, service, id) => gmsClient(gw, `/${service}/${id}/update`, 'change%5Bk%5D=v2'),
  upstreamCreate: (service) => `POST /nexus/v3/openmedia/${service}/interactions`,
  upstreamGet: (service, id) => `GET /nexus/v3/openmedia/${service}/interactions/${id}`,
  upstreamStop: (service, id) => `POST /nexus/v3/openmedia/${service}/interactions/${id}/stop`,
  upstreamUpdate: (service, id) => `POST /nexus/v3/openmedia/${service}/interactions/${id}/update`,
  created: (id) => json(200, { status: { code: 0 }, data: { id } }),
  interaction: (id) => json(200, { status: { code: 0 }, data: { id, state: 'queued', receivedAt: RECEIVED, userData: {} } }),
  createdAnswer: (id) => ({ status: 200, body: { statusCode: 0, interactionId: id }, retryAfter: null }),
  createdId: (answer) => (answer.json as { interactionId?: unknown }).interactionId,
  gotId: (answer) => (answer.json as { interactionProperties?: { interactionId?: unknown } }).interactionProperties?.interactionId,
  // GMS has one "try again" answer for every retryable failure (spec, Create response: statusCode 1).
  unavailable: () => ({ status: 200, body: { statusCode: 1 }, retryAfter: null }),
  timedOut: () => ({ status: 200, body: { statusCode: 1 }, retryAfter: null }),
  rejected: (message) => ({ status: 200, body: { statusCode: 2, errors: [{ code: 254, advice: message }] }, retryAfter: null }),
  ownUnavailable: json(200, { status: { code: 503, message: SECRET } }),
  ownUnavailableAnswer: { status: 200, body: { statusCode: 1 }, retryAfter: null },
  wrongShapeCreated: json(200, { status: { code: 0 }, data: { interactionId: 'I-1', note: SECRET } }),
  wrongShapeMessage: 'Upstream answered a create without an interaction id',
};

/** Nexus client → nexus inbound → gms driver → fake GMS. */
const nexusToGms: Direction = {
  title: 'Nexus client → gateway (gms driver) → GMS upstream',
  backendName: 'legacy',
  backend: (url) => ({ driver: 'gms', baseUrl: `${url}/genesys/2/openmedia` }),
  create: (gw, service, externalId) =>
    nexusClient(gw, 'POST', `/${service}/interactions`, { ...(externalId !== undefined && { externalId }), userData: { k: 'v' } }),
  get: (gw, service, id) => nexusClient(gw, 'GET', `/${service}/interactions/${id}`),
  stop: (gw, service, id) => nexusClient(gw, 'POST', `/${service}/interactions/${id}/stop`, { reasonSystemName: 'done' }),
  update: (gw, service, id) => nexusClient(gw, 'POST', `/${service}/interactions/${id}/update`, { changedProperties: { k: 'v2' } }),
  upstreamCreate: (service) => `POST /genesys/2/openmedia/${service}`,
  upstreamGet: (service, id) => `POST /genesys/2/openmedia/${service}/${id}/get`,
  upstreamStop: (service, id) => `POST /genesys/2/openmedia/${service}/${id}/stop`,
  upstreamUpdate: (service, id) => `POST /genesys/2/openmedia/${service}/${id}/update`,
  created: (id) => json(200, { statusCode: 0, interactionId: id }),
  interaction: (id) =>
    json(200, {
      statusCode: 0,
      interactionProperties: { interactionId: id, interactionState: 'Queued', interactionReceivedAt: RECEIVED, interactionSubmittedAt: RECEIVED, interactionUserData: [] },
    }),
  createdAnswer: (id, externalId) => ({
    status: 200,
    body: { status: { code: 0 }, data: externalId === undefined ? { id } : { id, externalId } },
    retryAfter: null,
  }),
  createdId: (answer) => (answer.json as { data?: { id?: unknown } }).data?.id,
  gotId: (answer) => (answer.json as { data?: { id?: unknown } }).data?.id,
  unavailable: (retryAfter) => ({
    status: 503,
    body: { status: { code: 503, message: 'Backend legacy is unavailable' } },
    retryAfter: retryAfter ?? null,
  }),
  timedOut: (unknown) => {
    const message = `Backend legacy did not answer in time${unknown === undefined ? '' : `; the ${unknown} may have been applied: read the interaction to know`}`;
    return { status: 504, body: { status: { code: 504, message } }, retryAfter: null };
  },
  rejected: (message) => ({ status: 502, body: { status: { code: 502, message } }, retryAfter: null }),
  ownUnavailable: json(200, { statusCode: 1, errors: [{ code: 1, advice: SECRET }] }),
  ownUnavailableAnswer: { status: 503, body: { status: { code: 503, message: 'GMS is unavailable, try again' } }, retryAfter: null },
  wrongShapeCreated: json(200, { status: 'ok', id: 'I-1', note: SECRET }),
  wrongShapeMessage: 'GMS answered HTTP 200 without a GMS status',
};

// ── the gateway under test ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Per-attempt timeouts. An upstream that answers (even slowly, on a loaded machine) is given TIMEOUT_MS, far more
 * than it needs, so an answer is never taken for a hang. Where the upstream hangs (never answers), the gateway is
 * tuned to HANG_TIMEOUT_MS: the race is between "never" and that timer, and an answer the same gateway gets after
 * the hang (a retry, the recovery) is still well within it.
 */
const TIMEOUT_MS = 5000;
const HANG_TIMEOUT_MS = 1000;
/** Room for three hung attempts and their backoff, so the retry counts below are the gateway's, not the deadline's. */
const REQUEST_TIMEOUT_MS = 8000;
/** Scheduling slack on a loaded machine, for bounds that say "answered by then, not later". */
const MARGIN_MS = 2000;
/** The route whose upstream misbehaves, and one on the embedded memory backend that must keep working. */
const SERVICE = 'orders';
const HEALTHY = 'healthy-orders';

interface Tuning {
  timeoutMs?: number;
  retries?: number;
  breakerThreshold?: number;
  breakerResetMs?: number;
  connections?: number;
  requestTimeoutMs?: number;
}

describe.each([gmsToNexus, nexusToGms])('$title', (dir) => {
  let fake: FakeUpstream;
  let gw: TestGateway | undefined;

  beforeEach(async () => {
    fake = await new FakeUpstream().start();
  });
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
    await fake.close();
  });

  /**
   * A gateway routing `healthy-*` to memory and everything else to the HTTP backend at `upstreamUrl`. The breaker
   * stays out of the way unless a test asks for it: a fault test must see each attempt reach the fake.
   */
  async function gateway(tuning: Tuning = {}, upstreamUrl = fake.url): Promise<TestGateway> {
    const { requestTimeoutMs = REQUEST_TIMEOUT_MS, ...http } = tuning;
    gw = await startGateway({
      server: { requestTimeoutMs },
      backends: {
        [dir.backendName]: { ...dir.backend(upstreamUrl), timeoutMs: TIMEOUT_MS, retries: 2, breakerThreshold: 1000, breakerResetMs: 60_000, ...http },
        sim: { driver: 'memory' },
      },
      routes: [
        { service: 'healthy-*', backend: 'sim' },
        { service: '*', backend: dir.backendName },
      ],
    });
    return gw;
  }

  /** The process is up and a route on another backend still answers normally. */
  async function stillServes(g: TestGateway): Promise<void> {
    const health = await call(`${g.url}/healthz`, {});
    expect({ status: health.status, body: health.json }).toEqual({ status: 200, body: { status: 'ok' } });
    const created = await dir.create(g, HEALTHY);
    expect(created.status).toBe(200);
    expect(typeof dir.createdId(created)).toBe('string');
  }

  /** The backend itself serves again once its upstream does: no poisoned connection or stuck state is left. */
  async function recovers(g: TestGateway): Promise<void> {
    fake.respond(dir.created('I-ok'));
    expectAnswer(await dir.create(g, SERVICE), dir.createdAnswer('I-ok'));
  }

  const withinDeadline = (answer: Answer, requestTimeoutMs = REQUEST_TIMEOUT_MS): void => {
    expect(answer.ms).toBeLessThan(requestTimeoutMs + MARGIN_MS);
  };

  const leaksNothing = (answer: Answer): void => {
    expect(answer.text).not.toContain(SECRET);
    for (const [, value] of answer.headers) expect(value).not.toContain(SECRET);
  };

  describe('connection refused', () => {
    it('→ the retryable "unavailable" form, at once, and the gateway serves on', async () => {
      const g = await gateway({}, `http://127.0.0.1:${await closedPort()}`);
      const created = await dir.create(g, SERVICE);
      expectAnswer(created, dir.unavailable());
      // Refused means nothing was sent, so even a create may be repeated; three refusals wait for no timer.
      expect(created.ms).toBeLessThan(TIMEOUT_MS);
      const got = await dir.get(g, SERVICE, 'I-1');
      expectAnswer(got, dir.unavailable());
      withinDeadline(got);
      await stillServes(g);
    });
  });

  describe('503', () => {
    it('with Retry-After: 3 → "unavailable" (Nexus: with Retry-After); even a get is not retried within the call', async () => {
      const g = await gateway();
      fake.respond(json(503, { message: SECRET }, { 'retry-after': '3' }));
      const created = await dir.create(g, SERVICE);
      expectAnswer(created, dir.unavailable('3'));
      leaksNothing(created);
      expect(fake.count(dir.upstreamCreate(SERVICE))).toBe(1);

      // Three seconds is beyond what one call may wait: the client is told to come back instead.
      const got = await dir.get(g, SERVICE, 'I-1');
      expectAnswer(got, dir.unavailable('3'));
      withinDeadline(got);
      expect(fake.count(dir.upstreamGet(SERVICE, 'I-1'))).toBe(1);
      await stillServes(g);
      await recovers(g);
    });

    it('a create without externalId reaches the upstream exactly once; a get is retried', async () => {
      const g = await gateway();
      fake.respond(json(503, { message: SECRET }));
      const created = await dir.create(g, SERVICE);
      expectAnswer(created, dir.unavailable());
      leaksNothing(created);
      expect(fake.count(dir.upstreamCreate(SERVICE))).toBe(1);

      const got = await dir.get(g, SERVICE, 'I-1');
      expectAnswer(got, dir.unavailable());
      withinDeadline(got);
      expect(fake.count(dir.upstreamGet(SERVICE, 'I-1'))).toBe(3);
      await stillServes(g);
    });

    it('a create with externalId is retried, and succeeds when the upstream recovers on the second attempt', async () => {
      const g = await gateway();
      fake.respond(json(503, {}), dir.created('I-2'));
      const created = await dir.create(g, SERVICE, 'ext-1');
      expectAnswer(created, dir.createdAnswer('I-2', 'ext-1'));
      withinDeadline(created);
      expect(fake.count(dir.upstreamCreate(SERVICE))).toBe(2);
    });

    it('whose body never ends → "unavailable" within the timeout: the status is known, the rest is not waited for', async () => {
      // The body hangs: its drain ends at the attempt timer at the latest, and the status has already decided.
      const g = await gateway({ timeoutMs: HANG_TIMEOUT_MS, retries: 0 });
      fake.respond((_req, res) => {
        res.writeHead(503, { 'content-type': 'text/html', 'content-length': '1000' });
        res.write(`<html>${SECRET}`);
      });
      const got = await dir.get(g, SERVICE, 'I-14');
      expectAnswer(got, dir.unavailable());
      leaksNothing(got);
      expect(got.ms).toBeLessThan(HANG_TIMEOUT_MS + MARGIN_MS);
      await recovers(g);
    });

    it('a get is retried and succeeds when the upstream recovers', async () => {
      const g = await gateway();
      fake.respond(json(503, {}), json(502, {}), dir.interaction('I-3'));
      const got = await dir.get(g, SERVICE, 'I-3');
      expect(got.status).toBe(200);
      expect(dir.gotId(got)).toBe('I-3');
      expect(fake.count(dir.upstreamGet(SERVICE, 'I-3'))).toBe(3);
    });
  });

  it('a 500 with internals in its body → "unavailable", nothing of the body answered', async () => {
    const g = await gateway();
    fake.respond(text(500, `<pre>${SECRET} at Db.query (/srv/app.js:12)</pre>`));
    const created = await dir.create(g, SERVICE);
    expectAnswer(created, dir.unavailable());
    leaksNothing(created);
    expect(fake.count(dir.upstreamCreate(SERVICE))).toBe(1);
  });

  describe('"try again" in the upstream\'s own dialect, in an HTTP 200: weighed exactly as a 503', () => {
    it('→ "unavailable", its words not answered; a create without externalId reaches the upstream exactly once', async () => {
      const g = await gateway();
      fake.respond(dir.ownUnavailable);
      const created = await dir.create(g, SERVICE);
      expectAnswer(created, dir.ownUnavailableAnswer);
      leaksNothing(created);
      expect(fake.count(dir.upstreamCreate(SERVICE))).toBe(1);
      await stillServes(g);
    });

    it('a get is retried, then "unavailable"; a create with externalId is retried too', async () => {
      const g = await gateway();
      fake.respond(dir.ownUnavailable);
      const got = await dir.get(g, SERVICE, 'I-15');
      expectAnswer(got, dir.ownUnavailableAnswer);
      leaksNothing(got);
      withinDeadline(got);
      expect(fake.count(dir.upstreamGet(SERVICE, 'I-15'))).toBe(3);

      fake.respond(dir.ownUnavailable, dir.created('I-16'));
      expectAnswer(await dir.create(g, SERVICE, 'ext-16'), dir.createdAnswer('I-16', 'ext-16'));
      expect(fake.count(dir.upstreamCreate(SERVICE))).toBe(2);
    });

    it('a get succeeds when the upstream recovers on a later attempt', async () => {
      const g = await gateway();
      fake.respond(dir.ownUnavailable, dir.ownUnavailable, dir.interaction('I-17'));
      const got = await dir.get(g, SERVICE, 'I-17');
      expect(got.status).toBe(200);
      expect(dir.gotId(got)).toBe('I-17');
      expect(fake.count(dir.upstreamGet(SERVICE, 'I-17'))).toBe(3);
    });

    it('N in a row open the breaker: readyz 503 and calls fail fast', async () => {
      const g = await gateway({ retries: 0, breakerThreshold: 2, breakerResetMs: 60_000 });
      fake.respond(dir.ownUnavailable);
      expect((await call(`${g.url}/readyz`, {})).status).toBe(200);
      dropReadinessProbes();
      for (const id of ['T1', 'T2']) expectAnswer(await dir.get(g, SERVICE, id), dir.ownUnavailableAnswer);
      expect(fake.total()).toBe(2);

      const ready = await call(`${g.url}/readyz`, {});
      expect({ status: ready.status, backend: (ready.json as { backends?: Record<string, unknown> }).backends?.[dir.backendName] }).toEqual({
        status: 503,
        backend: { ok: false, detail: 'circuit breaker open' },
      });
      const fast = await dir.get(g, SERVICE, 'T3');
      expectAnswer(fast, dir.unavailable('60'));
      expect(fast.ms).toBeLessThan(TIMEOUT_MS);
      expect(fake.total()).toBe(2);
      await stillServes(g);
    });
  });

  describe('hanging past the timeout', () => {
    it('a create without externalId → "timeout" after one attempt, sent exactly once', async () => {
      const g = await gateway({ timeoutMs: HANG_TIMEOUT_MS });
      fake.respond(hang);
      const created = await dir.create(g, SERVICE);
      expectAnswer(created, dir.timedOut());
      expect(created.ms).toBeGreaterThanOrEqual(HANG_TIMEOUT_MS - 20);
      expect(created.ms).toBeLessThan(HANG_TIMEOUT_MS + MARGIN_MS);
      expect(fake.count(dir.upstreamCreate(SERVICE))).toBe(1);
      await stillServes(g);
      await recovers(g);
    });

    it('a create with externalId and a get are retried, all attempts within the deadline', async () => {
      const g = await gateway({ timeoutMs: HANG_TIMEOUT_MS });
      fake.respond(hang);
      const created = await dir.create(g, SERVICE, 'ext-2');
      expectAnswer(created, dir.timedOut());
      withinDeadline(created);
      expect(fake.count(dir.upstreamCreate(SERVICE))).toBe(3);

      const got = await dir.get(g, SERVICE, 'I-4');
      expectAnswer(got, dir.timedOut());
      withinDeadline(got);
      expect(fake.count(dir.upstreamGet(SERVICE, 'I-4'))).toBe(3);
      await stillServes(g);
    });

    it('a stop is repeated (a repeat of one applied is resolved by reading back); all hanging, the answer says the outcome is unknown', async () => {
      const g = await gateway({ timeoutMs: HANG_TIMEOUT_MS });
      fake.respond(hang);
      const stopped = await dir.stop(g, SERVICE, 'I-5');
      expectAnswer(stopped, dir.timedOut('stop'));
      withinDeadline(stopped);
      expect(fake.count(dir.upstreamStop(SERVICE, 'I-5'))).toBeGreaterThan(1);
    });

    it('an update that only sets and deletes keys is repeated; the read back showing it not applied, the outcome is unknown', async () => {
      const g = await gateway({ timeoutMs: HANG_TIMEOUT_MS });
      // Reads answer, writes hang: the Nexus driver's upsert lookup succeeds and its POST then times out.
      fake.respond((req, res, seen) => serve(req.method === 'GET' ? dir.interaction('I-12') : hang)(req, res, seen));
      const updated = await dir.update(g, SERVICE, 'I-12');
      expectAnswer(updated, dir.timedOut('update'));
      withinDeadline(updated);
      expect(fake.count(dir.upstreamUpdate(SERVICE, 'I-12'))).toBeGreaterThan(1);
    });

    it('more hung calls than connections: each is still answered within its timeout, and the pool recovers', async () => {
      // Twice the usual hang timeout, so a loaded machine's slack stays well apart from a second timeout.
      const timeoutMs = 2 * HANG_TIMEOUT_MS;
      const g = await gateway({ timeoutMs, connections: 2, retries: 0 });
      fake.respond(hang);
      const answers = await Promise.all(['P1', 'P2', 'P3', 'P4', 'P5', 'P6'].map((id) => dir.get(g, SERVICE, id)));
      for (const answer of answers) {
        expectAnswer(answer, dir.timedOut());
        // The attempt timer also covers waiting for a free connection, not only the upstream's answer: queued
        // behind the hung ones, the last two calls would otherwise take three timeouts.
        expect(answer.ms).toBeLessThan(2.5 * timeoutMs);
      }
      await recovers(g);
    });

    it('the request deadline cuts the retries short', async () => {
      // Room for one whole attempt, the backoff (at most 50 ms) and part of a second one, never a third: the second
      // attempt is given only what is left of the deadline, however late the first one ended.
      const requestTimeoutMs = 2 * HANG_TIMEOUT_MS;
      const g = await gateway({ timeoutMs: HANG_TIMEOUT_MS, requestTimeoutMs });
      fake.respond(hang);
      const got = await dir.get(g, SERVICE, 'I-6');
      expectAnswer(got, dir.timedOut());
      withinDeadline(got, requestTimeoutMs);
      expect(fake.count(dir.upstreamGet(SERVICE, 'I-6'))).toBe(2);
    });

    it('an answer whose body stalls after the headers → "timeout"', async () => {
      const g = await gateway({ timeoutMs: HANG_TIMEOUT_MS, retries: 0 });
      fake.respond(stallBody);
      const got = await dir.get(g, SERVICE, 'I-7');
      expectAnswer(got, dir.timedOut());
      expect(got.ms).toBeLessThan(HANG_TIMEOUT_MS + MARGIN_MS);
      await recovers(g);
    });
  });

  describe('reset mid-response', () => {
    it('a create without externalId → "unavailable", sent exactly once', async () => {
      const g = await gateway();
      fake.respond(resetMidBody);
      const created = await dir.create(g, SERVICE);
      expectAnswer(created, dir.unavailable());
      withinDeadline(created);
      expect(fake.count(dir.upstreamCreate(SERVICE))).toBe(1);
      await stillServes(g);
      await recovers(g);
    });

    it('before a byte of the answer: a create without externalId is sent once, a get is retried', async () => {
      const g = await gateway();
      fake.respond(resetBeforeAnswer);
      expectAnswer(await dir.create(g, SERVICE), dir.unavailable());
      expect(fake.count(dir.upstreamCreate(SERVICE))).toBe(1);
      const got = await dir.get(g, SERVICE, 'I-10');
      expectAnswer(got, dir.unavailable());
      withinDeadline(got);
      expect(fake.count(dir.upstreamGet(SERVICE, 'I-10'))).toBe(3);
      await recovers(g);
    });

    it('a get is retried, then "unavailable"', async () => {
      const g = await gateway();
      fake.respond(resetMidBody);
      const got = await dir.get(g, SERVICE, 'I-8');
      expectAnswer(got, dir.unavailable());
      withinDeadline(got);
      expect(fake.count(dir.upstreamGet(SERVICE, 'I-8'))).toBe(3);
    });
  });

  describe('garbage answers → upstream_rejected, not retried, nothing of the body answered', () => {
    const unreadable = (d: Direction): string => `Backend ${d.backendName} answered with an unreadable body`;

    it('a 200 with an HTML page', async () => {
      const g = await gateway();
      fake.respond(text(200, `<html><body>${SECRET}</body></html>`));
      const created = await dir.create(g, SERVICE);
      expectAnswer(created, dir.rejected(unreadable(dir)));
      leaksNothing(created);
      expect(fake.count(dir.upstreamCreate(SERVICE))).toBe(1);
      const got = await dir.get(g, SERVICE, 'I-9');
      expectAnswer(got, dir.rejected(unreadable(dir)));
      expect(fake.count(dir.upstreamGet(SERVICE, 'I-9'))).toBe(1);
      await stillServes(g);
    });

    it('a 200 with truncated JSON', async () => {
      const g = await gateway();
      fake.respond(text(200, `{"status":{"code":0},"data":{"id":"I-1","secret":"${SECRET}`, { 'content-type': 'application/json' }));
      const created = await dir.create(g, SERVICE);
      expectAnswer(created, dir.rejected(unreadable(dir)));
      leaksNothing(created);
    });

    it('a 200 with JSON of the wrong shape', async () => {
      const g = await gateway();
      fake.respond(dir.wrongShapeCreated);
      const created = await dir.create(g, SERVICE);
      expectAnswer(created, dir.rejected(dir.wrongShapeMessage));
      leaksNothing(created);
      expect(fake.count(dir.upstreamCreate(SERVICE))).toBe(1);
      await stillServes(g);
    });
  });

  it('an answer that is not HTTP at all → "unavailable"; a create without externalId is sent once', async () => {
    const raw = await notHttpUpstream();
    try {
      const g = await gateway({}, raw.url);
      expectAnswer(await dir.create(g, SERVICE), dir.unavailable());
      expect(raw.received()).toBe(1);
      const got = await dir.get(g, SERVICE, 'I-13');
      expectAnswer(got, dir.unavailable());
      withinDeadline(got);
      expect(raw.received()).toBe(4);
      await stillServes(g);
    } finally {
      await gw?.close();
      gw = undefined;
      await raw.close();
    }
  });

  it('a body beyond what the gateway buffers → upstream_rejected, and the process serves on', async () => {
    const g = await gateway();
    fake.respond(endlessBody);
    const got = await dir.get(g, SERVICE, 'I-11');
    expectAnswer(got, dir.rejected(`Backend ${dir.backendName} answered with a body too large`));
    expect(fake.count(dir.upstreamGet(SERVICE, 'I-11'))).toBe(1);
    await stillServes(g);
    await recovers(g);
  });

  /**
   * While the breaker is closed, /readyz GETs the API root (…/openmedia) to catch a wrong baseUrl; that probe is no
   * command, so it is left out of the counts of upstream calls below.
   */
  const dropReadinessProbes = (): void => {
    for (let i = fake.recorded.length - 1; i >= 0; i--) {
      const r = fake.recorded[i]!;
      if (r.method === 'GET' && r.path.endsWith('/openmedia')) fake.recorded.splice(i, 1);
    }
  };

  describe('circuit breaker', () => {
    const readyz = async (g: TestGateway): Promise<{ status: number; backend: unknown }> => {
      const res = await call(`${g.url}/readyz`, {});
      dropReadinessProbes();
      return { status: res.status, backend: (res.json as { backends?: Record<string, unknown> }).backends?.[dir.backendName] };
    };

    it('opens after N failures and fails fast; readyz 503; after resetMs one trial, and a recovered upstream closes it', async () => {
      // Long enough for the open-breaker checks below to run inside it on a loaded machine.
      const RESET_MS = 2000;
      // Retry-After: the whole seconds until the trial, rounded up, so at most RESET_MS.
      const untilTrial = expect.stringMatching(/^[12]$/) as string;
      const g = await gateway({ retries: 0, breakerThreshold: 2, breakerResetMs: RESET_MS });
      fake.respond(json(503, {}));
      expect(await readyz(g)).toEqual({ status: 200, backend: { ok: true } });

      for (const id of ['B1', 'B2']) expectAnswer(await dir.get(g, SERVICE, id), dir.unavailable());
      const openedAt = Date.now();
      expect(fake.total()).toBe(2);
      expect(await readyz(g)).toEqual({ status: 503, backend: { ok: false, detail: 'circuit breaker open' } });

      // Open: no I/O at all, and the client is told when the trial will be let through (Nexus: Retry-After).
      const fast = await dir.get(g, SERVICE, 'B3');
      expectAnswer(fast, dir.unavailable(untilTrial));
      expect(fast.ms).toBeLessThan(TIMEOUT_MS);
      expectAnswer(await dir.create(g, SERVICE, 'ext-b'), dir.unavailable(untilTrial));
      expect(fake.total()).toBe(2);
      // Readiness takes the instance out of a load balancer; liveness and other backends are unaffected.
      await stillServes(g);

      // A failed trial opens it again for another resetMs.
      await sleep(Math.max(0, openedAt + RESET_MS + 20 - Date.now()));
      expectAnswer(await dir.get(g, SERVICE, 'B4'), dir.unavailable());
      const reopenedAt = Date.now();
      expect(fake.total()).toBe(3);
      expect(await readyz(g)).toEqual({ status: 503, backend: { ok: false, detail: 'circuit breaker open' } });
      expectAnswer(await dir.get(g, SERVICE, 'B5'), dir.unavailable(untilTrial));
      expect(fake.total()).toBe(3);

      // Recovered but slow: of two concurrent calls only the trial goes through, the other fails fast. The trial's
      // answer is held until the other call has been answered, so the two overlap however slow the machine is.
      const trialAnswer = heldBack(dir.interaction('B6'));
      fake.respond(trialAnswer.handler);
      await sleep(Math.max(0, reopenedAt + RESET_MS + 20 - Date.now()));
      expect((await readyz(g)).status).toBe(503);
      const calls = [dir.get(g, SERVICE, 'B6'), dir.get(g, SERVICE, 'B6')];
      const refused = await Promise.race(calls);
      trialAnswer.release();
      const answers = await Promise.all(calls);
      const trial = answers.find((a) => dir.gotId(a) === 'B6');
      expect(trial).toBeDefined();
      expectAnswer(refused, dir.unavailable());
      expect(refused.ms).toBeLessThan(TIMEOUT_MS);
      expect(fake.total()).toBe(4);

      expect(await readyz(g)).toEqual({ status: 200, backend: { ok: true } });
      fake.respond(dir.created('I-after'));
      expectAnswer(await dir.create(g, SERVICE), dir.createdAnswer('I-after'));
      expect(fake.total()).toBe(5);
    });

    it('hangs count too: after N timeouts calls fail fast instead of waiting', async () => {
      const g = await gateway({ timeoutMs: HANG_TIMEOUT_MS, retries: 0, breakerThreshold: 2, breakerResetMs: 60_000 });
      fake.respond(hang);
      for (const id of ['H1', 'H2']) expectAnswer(await dir.get(g, SERVICE, id), dir.timedOut());
      // "unavailable", not "timeout", and no call reached the upstream: nothing was waited for.
      const fast = await dir.get(g, SERVICE, 'H3');
      expectAnswer(fast, dir.unavailable('60'));
      expect(fake.total()).toBe(2);
      expect((await readyz(g)).status).toBe(503);
      await stillServes(g);
    });
  });
});
