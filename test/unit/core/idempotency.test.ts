import type { CreateCommand } from '../../../src/core/command';
import { GatewayError } from '../../../src/core/errors';
import type { Route } from '../../../src/core/dispatcher';
import { digest, fingerprintOf } from '../../../src/core/fingerprint';
import { errorOf, IdempotencyRecords, replayOf } from '../../../src/core/idempotency';
import { idempotencyStage } from '../../../src/core/idempotency.stage';
import type { Outcome } from '../../../src/core/pipeline';
import { MemoryStateStore } from '../../../src/store/memory.state-store';

function setup() {
  let clock = 1_000;
  const now = () => clock;
  const store = new MemoryStateStore({ maxEntries: 1000, maxBytes: 1 << 20, now });
  const records = new IdempotencyRecords(store, { ttlMs: 10_000, pendingMs: 500, now });
  return { records, advance: (ms: number) => void (clock += ms) };
}

describe('idempotency records on a state store', () => {
  test('one claim per key; a second try sees the pending record, then the settled result', async () => {
    const { records } = setup();
    const first = await records.claim('k', 'fp1');
    if (!('claimed' in first)) throw new Error('expected a claim');
    const second = await records.claim('k', 'fp1');
    expect('existing' in second && second.existing.record).toMatchObject({ s: 'pending', fp: 'fp1' });
    expect(await records.complete(first.claimed, { result: { id: 'I1' }, backend: 'sim' })).toBe(true);
    const third = await records.claim('k', 'fp1');
    if (!('existing' in third) || third.existing.record.s !== 'done') throw new Error('expected a settled record');
    expect(replayOf(third.existing.record)).toEqual({ result: { id: 'I1' }, backend: 'sim' });
  });

  test('a claim is stored as the JSON of its record, under a new random UUID; a taken-over one keeps its claim id', async () => {
    const { records, advance } = setup();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const ids = new Set<string>();
    for (const fp of ['ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0', 'a "quoted" fp']) {
      const claim = await records.claim(`k${fp}`, fp);
      if (!('claimed' in claim) || claim.claimed.record.s !== 'pending') throw new Error('expected a claim');
      const { raw, record } = claim.claimed;
      expect(raw).toBe(JSON.stringify({ s: 'pending', fp, owner: record.owner, at: 1_000, g: record.owner }));
      expect(record.owner).toMatch(uuid);
      ids.add(record.owner);
      advance(1_000);
      const taken = await records.takeOver(claim.claimed, fp, true);
      if (taken?.record.s !== 'pending') throw new Error('expected a takeover');
      expect(taken.raw).toBe(JSON.stringify({ s: 'pending', fp, owner: taken.record.owner, at: 2_000, g: record.owner }));
      ids.add(taken.record.owner);
      advance(-1_000);
    }
    expect(ids.size).toBe(4);
  });

  test('a claim whose owner died lapses after pendingMs and is taken over; the late owner can no longer settle it', async () => {
    const { records, advance } = setup();
    const dead = await records.claim('k', 'fp');
    if (!('claimed' in dead)) throw new Error('expected a claim');
    expect(records.lapsed(dead.claimed.record)).toBe(false);
    advance(501);
    const seen = await records.claim('k', 'fp');
    if (!('existing' in seen)) throw new Error('a lapsed claim is still there, as an unknown outcome');
    expect(records.lapsed(seen.existing.record)).toBe(true);
    expect(await records.takeOver(seen.existing, 'fp')).toBeDefined();
    expect(await records.complete(dead.claimed, { result: { id: 'late' }, backend: 'sim' })).toBe(false);
  });

  test('a final failure is kept and revived; a release leaves nothing; settled records expire after ttlMs', async () => {
    const { records, advance } = setup();
    const c = await records.claim('k', 'fp');
    if (!('claimed' in c)) throw new Error('expected a claim');
    await records.fail(c.claimed, new GatewayError('conflict', 'stopped', { ref: 'I1' }));
    const seen = await records.claim('k', 'fp');
    if (!('existing' in seen) || seen.existing.record.s !== 'failed') throw new Error('expected a failure');
    expect(errorOf(seen.existing.record)).toMatchObject({ code: 'conflict', message: 'stopped', details: { ref: 'I1' } });
    advance(10_001);
    const again = await records.claim('k', 'fp');
    if (!('claimed' in again)) throw new Error('expected a claim after expiry');
    expect(await records.release(again.claimed)).toBe(true);
    expect(await records.read('k')).toBeUndefined();
  });

  test('an unknown outcome is taken over by exactly one later try', async () => {
    const { records } = setup();
    const c = await records.claim('k', 'fp');
    if (!('claimed' in c)) throw new Error('expected a claim');
    await records.markUnknown(c.claimed);
    const held = await records.read('k');
    const claimId = c.claimed.record.s === 'pending' ? c.claimed.record.g : '';
    expect(held?.record).toEqual({ s: 'unknown', fp: 'fp', g: claimId });
    const [a, b] = await Promise.all([records.takeOver(held!, 'fp', true), records.takeOver(held!, 'fp', true)]);
    const taken = [a, b].filter((t) => t !== undefined);
    expect(taken).toHaveLength(1);
    // The retry resumes the try whose outcome is unknown: same claim id, so what that try reserved is found again.
    expect(taken[0]!.record).toMatchObject({ s: 'pending', g: claimId });
  });

  test('a takeover that does not resume (a stale record, another payload) gets a claim id of its own', async () => {
    const { records } = setup();
    const c = await records.claim('k', 'fp');
    if (!('claimed' in c)) throw new Error('expected a claim');
    await records.markUnknown(c.claimed);
    const taken = await records.takeOver((await records.read('k'))!, 'other');
    expect(taken?.record.s === 'pending' && taken.record.g).not.toBe(c.claimed.record.s === 'pending' && c.claimed.record.g);
  });

  test('a settled record is stored as the JSON of its record, whatever its backend name and result hold', async () => {
    const { records } = setup();
    const results = [undefined, { id: 'I1', externalId: 'x"1' }, { id: 'I\\2', userData: [{ key: 'k\u0001', type: 'str', value: 'caf\u00e9 \ud83d\ude00 \ud800' }] }];
    for (const [i, result] of results.entries()) {
      for (const backend of ['cloud', 'a "quoted" \\ backend']) {
        const key = `k${i}${backend}`;
        const claim = await records.claim(key, 'fp');
        if (!('claimed' in claim)) throw new Error('expected a claim');
        expect(await records.complete(claim.claimed, result === undefined ? { backend } as never : { result, backend } as never)).toBe(true);
        const stored = await records.read(key);
        expect(stored?.raw).toBe(JSON.stringify(result === undefined ? { s: 'done', fp: 'fp', b: backend } : { s: 'done', fp: 'fp', b: backend, r: result }));
      }
    }
  });
});

describe('the idempotency stage', () => {
  test('keeps a record under idem: and the digest of JSON.stringify([dialect, client, service, kind, value])', async () => {
    const store = new MemoryStateStore({ maxEntries: 1000, maxBytes: 1 << 20 });
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    const stage = idempotencyStage(store, { ttlMs: 10_000, waitMs: 100, requestTimeoutMs: 1_000, logger });
    const route = {} as Route;
    const next = async (): Promise<Outcome> => ({ result: { id: 'I1' }, backend: 'cloud' }) as Outcome;
    const cases = [
      { dialect: 'gms', client: undefined, service: 'svc', externalId: 'xy1', idempotencyKey: undefined },
      { dialect: 'nexus', client: 'a "key"', service: 's\\v\u0007c', externalId: 'caf\u00e9 \ud83d\ude00 \udc00', idempotencyKey: undefined },
      { dialect: 'oracle', client: 'crm', service: 'svc', externalId: 'x', idempotencyKey: 'k"\n1' },
    ];
    for (const c of cases) {
      const context = { requestId: 'r', dialect: c.dialect, client: c.client, idempotencyKey: c.idempotencyKey, receivedAt: new Date(0) };
      const command: CreateCommand = { kind: 'create', service: c.service, context, externalId: c.externalId, userData: [] } as unknown as CreateCommand;
      await stage.run(command, route, next);
      const [kind, value] = c.idempotencyKey === undefined ? ['ext', c.externalId] : ['key', c.idempotencyKey];
      const key = `idem:${digest(JSON.stringify([c.dialect, c.client ?? '', c.service, kind, value]))}`;
      expect(JSON.parse((await store.get(key))!)).toMatchObject({ s: 'done', b: 'cloud', r: { id: 'I1' } });
      // The command's context is the caller's again once it has answered: no claim left on it.
      expect(context).not.toHaveProperty('claimId', expect.anything());
      expect(context).not.toHaveProperty('priorOutcomeUnknown', expect.anything());
    }
  });
});

describe('fingerprint of a command', () => {
  const create = (fields: Partial<CreateCommand>): CreateCommand => ({
    kind: 'create',
    service: 's',
    context: { requestId: 'r1', dialect: 'nexus', receivedAt: new Date(1) },
    userData: [{ key: 'k', type: 'str', value: 'v' }],
    extra: { 'vsp.A': '1', 'vsp.B': '2' },
    ...fields,
  });

  test('ignores who asked and when, and the order of object keys', () => {
    const a = create({});
    const b = create({ context: { requestId: 'r2', dialect: 'nexus', receivedAt: new Date(2), idempotencyKey: 'x' }, extra: { 'vsp.B': '2', 'vsp.A': '1' } });
    expect(fingerprintOf(a)).toBe(fingerprintOf(b));
  });

  test('differs with any field of the request', () => {
    const base = fingerprintOf(create({}));
    expect(fingerprintOf(create({ externalId: 'e' }))).not.toBe(base);
    expect(fingerprintOf(create({ userData: [{ key: 'k', type: 'str', value: 'w' }] }))).not.toBe(base);
    expect(fingerprintOf(create({ service: 't' }))).not.toBe(base);
  });
});
