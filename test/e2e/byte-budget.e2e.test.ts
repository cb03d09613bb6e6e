import { Agent } from 'node:http';
import { startGateway, type TestGateway } from '../support/gateway';
import { call, type Answer } from '../support/http-call';

/**
 * The embedded contact center bounds bytes as well as interactions: one interaction's user data (413 in the
 * dialect's form) and everything it holds (try again: GMS statusCode 1, Nexus 429 with Retry-After).
 */

const GMS = '/genesys/2/openmedia/svc';
const NEXUS = '/nexus/v3/openmedia/svc/interactions';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_KEY = { 'content-type': 'application/json', 'x-api-key': 'k' };
const KIB = 1024;
const MIB = 1024 * KIB;

const gmsCreate = (valueBytes: number, externalId: string) => `externalId=${externalId}&userData%5BBlob%5D=${'a'.repeat(valueBytes)}`;
const nexusCreate = (valueBytes: number, externalId: string) => JSON.stringify({ externalId, userData: { Blob: 'a'.repeat(valueBytes) } });

describe('one interaction’s user data is bounded (default 64 KiB)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('answers 413 in each dialect for a create over the limit, and accepts one just under it', async () => {
    expect(await call(gw, GMS, { headers: FORM, body: gmsCreate(600 * KIB, 'big-g') })).toMatchObject({
      status: 413,
      json: { statusCode: 2, errors: [{ code: 200, advice: 'User data exceeds 65536 bytes' }] },
    });
    expect(await call(gw, NEXUS, { headers: JSON_KEY, body: nexusCreate(600 * KIB, 'big-n') })).toMatchObject({
      status: 413,
      json: { status: { code: 413, message: 'User data exceeds 65536 bytes' } },
    });
    expect((await call(gw, GMS, { headers: FORM, body: gmsCreate(60 * KIB, 'fits') })).json).toMatchObject({ statusCode: 0 });
    // Nothing of the refused creates was kept: their externalIds are unknown.
    expect((await call(gw, `${GMS}/big-g/get`, { headers: FORM, body: 'searchByExternalId=true' })).json.errors[0].code).toBe(248);
    expect((await call(gw, `${NEXUS}/ext_big-n`, { headers: JSON_KEY })).status).toBe(404);
  });

  it('answers 413 for an update that would grow the user data past the limit, and leaves it as it was', async () => {
    const { json } = await call(gw, NEXUS, { headers: JSON_KEY, body: nexusCreate(40 * KIB, 'grow') });
    const id = json.data.id as string;
    const grow = JSON.stringify({ addedProperties: { More: 'b'.repeat(30 * KIB) } });
    expect((await call(gw, `${NEXUS}/${id}/update`, { headers: JSON_KEY, body: grow })).status).toBe(413);
    const gms = await call(gw, `${GMS}/${id}/update`, { headers: FORM, body: `change%5BMore%5D=${'b'.repeat(30 * KIB)}` });
    expect(gms).toMatchObject({ status: 413, json: { statusCode: 2, errors: [{ code: 200 }] } });
    const after = await call(gw, `${NEXUS}/${id}`, { headers: JSON_KEY });
    expect(Object.keys(after.json.data.userData)).toEqual(['Blob']);
    // A change that shrinks it is fine.
    const shrink = JSON.stringify({ changedProperties: { Blob: 'small' } });
    expect((await call(gw, `${NEXUS}/${id}/update`, { headers: JSON_KEY, body: shrink })).status).toBe(200);
  });
});

describe('a flood of 1 MB creates stays within the total budget', () => {
  const BUDGET = 8 * MIB;
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      server: { bodyLimit: '2mb' },
      backends: { sim: { driver: 'memory', maxUserDataBytes: '1.5mb', maxBytes: BUDGET } },
    });
  });
  afterAll(() => gw.close());

  it('accepts what fits, answers every surplus create with try-again, and accepts again once room is freed', async () => {
    const agents = [0, 1, 2, 3].map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
    const heapBefore = process.memoryUsage().heapUsed;
    const answers: { dialect: 'gms' | 'nexus'; answer: Answer }[] = [];
    // 4 connections, 10 creates each, alternating dialects: 40 MB offered against an 8 MB budget.
    await Promise.all(
      agents.map(async (agent, c) => {
        for (let i = 0; i < 10; i++) {
          const externalId = `flood-${c}-${i}`;
          if (i % 2 === 0) answers.push({ dialect: 'gms', answer: await call(gw, GMS, { headers: FORM, body: gmsCreate(MIB, externalId), agent }) });
          else answers.push({ dialect: 'nexus', answer: await call(gw, NEXUS, { headers: JSON_KEY, body: nexusCreate(MIB, externalId), agent }) });
        }
      }),
    );
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    for (const agent of agents) agent.destroy();
    if (process.env.OMGW_REPORT) console.log(`flood: heap growth ${(heapGrowth / MIB).toFixed(1)} MiB, rss ${(process.memoryUsage().rss / MIB).toFixed(0)} MiB`);

    const accepted = answers.filter(({ dialect, answer }) => (dialect === 'gms' ? answer.json?.statusCode === 0 : answer.status === 200));
    const refused = answers.filter((a) => !accepted.includes(a));
    expect(answers).toHaveLength(40);
    expect(accepted.length).toBeGreaterThan(0);
    expect(accepted.length).toBeLessThanOrEqual(BUDGET / MIB);
    for (const { dialect, answer } of refused) {
      if (dialect === 'gms') expect(answer).toMatchObject({ status: 200, json: { statusCode: 1 } });
      else expect(answer).toMatchObject({ status: 429, headers: { 'retry-after': '5' }, json: { status: { code: 429 } } });
    }

    // Stopping one interaction lets the next create in: stopped ones go first when room is needed.
    const gmsAccepted = accepted.find((a) => a.dialect === 'gms') ?? accepted[0]!;
    const id = gmsAccepted.answer.json.interactionId ?? gmsAccepted.answer.json.data.id;
    expect((await call(gw, `${GMS}/${id}/stop`, { headers: FORM, body: '' })).json).toEqual({ statusCode: 0 });
    expect((await call(gw, GMS, { headers: FORM, body: gmsCreate(MIB, 'after-stop') })).json).toMatchObject({ statusCode: 0 });
    // Still full for the next one, and still serving reads.
    expect((await call(gw, GMS, { headers: FORM, body: gmsCreate(MIB, 'one-more') })).json).toEqual({ statusCode: 1 });
    expect((await call(gw, `${GMS}/after-stop/get`, { headers: FORM, body: 'searchByExternalId=true' })).json.statusCode).toBe(0);
  }, 60_000);
});
