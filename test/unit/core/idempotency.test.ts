import type { Command, CommandContext, CreateCommand } from '../../../src/core/command';
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
    const odd = ['cloud', 'a "quoted" \\ backend', 'bell\u0007 tab\t', 'lone \udc00 and \ud83d\ude00', ''];
    for (const [i, result] of results.entries()) {
      for (const [j, backend] of odd.entries()) {
        const fp = odd[(j + 1) % odd.length]!;
        const key = `k${i}.${j}`;
        const claim = await records.claim(key, fp);
        if (!('claimed' in claim)) throw new Error('expected a claim');
        expect(claim.claimed.raw).toBe(JSON.stringify(claim.claimed.record));
        expect(await records.complete(claim.claimed, result === undefined ? ({ backend } as never) : ({ result, backend } as never))).toBe(true);
        const stored = await records.read(key);
        expect(stored?.raw).toBe(JSON.stringify(result === undefined ? { s: 'done', fp, b: backend } : { s: 'done', fp, b: backend, r: result }));
      }
    }
  });
});

describe('the idempotency stage', () => {
  const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const route = {} as Route;
  const setupStage = () => {
    const store = new MemoryStateStore({ maxEntries: 1000, maxBytes: 1 << 20 });
    return { store, stage: idempotencyStage(store, { ttlMs: 10_000, waitMs: 100, requestTimeoutMs: 1_000, logger }) };
  };
  const createOn = (context: CommandContext, externalId: string): CreateCommand => ({ kind: 'create', service: 'svc', context, externalId, userData: [] }) as unknown as CreateCommand;
  const keyOf = (context: CommandContext, externalId: string) => `idem:${digest(JSON.stringify([context.dialect, context.client ?? '', 'svc', 'ext', externalId]))}`;
  const pendingClaimOf = async (store: MemoryStateStore, key: string) => (JSON.parse((await store.get(key))!) as { s: string; g: string }).g;

  test('runs the caller\'s own command with its claim on the context, and takes the claim off after, answered or failed', async () => {
    const { store, stage } = setupStage();
    const context: CommandContext = { requestId: 'r', dialect: 'gms', receivedAt: new Date(0) };
    for (const fails of [false, true]) {
      const command = createOn(context, `x${fails}`);
      const seen: unknown[] = [];
      const next = async (ran: Command): Promise<Outcome> => {
        seen.push(ran === command, ran.context.claimId, await pendingClaimOf(store, keyOf(context, `x${fails}`)), ran.context.priorOutcomeUnknown);
        if (fails) throw new GatewayError('upstream_unavailable', 'down', { applied: 'no' });
        return { result: { id: 'I1' }, backend: 'cloud' } as Outcome;
      };
      const ran = stage.run(command, route, next);
      await (fails ? expect(ran).rejects.toThrow('down') : ran);
      expect(seen[0]).toBe(true);
      expect(seen[1]).toEqual(expect.any(String));
      expect(seen[1]).toBe(seen[2]);
      expect(seen[3]).toBeUndefined();
      expect(context.claimId).toBeUndefined();
      expect(context.priorOutcomeUnknown).toBeUndefined();
    }
  });

  test('a retry of a try whose outcome is unknown runs under that try\'s claim id, told so, and leaves the context clean', async () => {
    const { store, stage } = setupStage();
    const context: CommandContext = { requestId: 'r', dialect: 'gms', receivedAt: new Date(0) };
    const command = createOn(context, 'x1');
    await store.set(keyOf(context, 'x1'), JSON.stringify({ s: 'unknown', fp: fingerprintOf(command), g: 'earlier-claim' }), 10_000);
    const seen: unknown[] = [];
    await stage.run(command, route, async (ran) => {
      seen.push(ran.context.claimId, ran.context.priorOutcomeUnknown);
      return { result: { id: 'I1' }, backend: 'cloud' } as Outcome;
    });
    expect(seen).toEqual(['earlier-claim', true]);
    expect(context.claimId).toBeUndefined();
    expect(context.priorOutcomeUnknown).toBeUndefined();
  });

  test('a context that already says an earlier try may have been applied keeps saying so, during the run and after', async () => {
    const { stage } = setupStage();
    const context: CommandContext = { requestId: 'r', dialect: 'gms', receivedAt: new Date(0), priorOutcomeUnknown: true };
    const seen: unknown[] = [];
    await stage.run(createOn(context, 'x1'), route, async (ran) => {
      seen.push(ran.context.priorOutcomeUnknown);
      return { result: { id: 'I1' }, backend: 'cloud' } as Outcome;
    });
    expect(seen).toEqual([true]);
    expect(context.priorOutcomeUnknown).toBe(true);
    expect(context.claimId).toBeUndefined();
  });

  test('two claimed writes at once on one context each run under their own claim, and leave it clean', async () => {
    const { store, stage } = setupStage();
    const context: CommandContext = { requestId: 'r', dialect: 'gms', receivedAt: new Date(0) };
    const seen = new Map<string, unknown[]>();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const next = async (ran: Command): Promise<Outcome> => {
      const externalId = (ran as CreateCommand).externalId!;
      const before = ran.context.claimId;
      await gate;
      seen.set(externalId, [before, ran.context.claimId, await pendingClaimOf(store, keyOf(context, externalId))]);
      return { result: { id: externalId }, backend: 'cloud' } as Outcome;
    };
    const first = stage.run(createOn(context, 'a'), route, next);
    const second = stage.run(createOn(context, 'b'), route, next);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([first, second]);
    for (const externalId of ['a', 'b']) {
      const [before, after, stored] = seen.get(externalId)!;
      expect(before).toBe(stored);
      expect(after).toBe(stored);
    }
    expect(seen.get('a')![2]).not.toBe(seen.get('b')![2]);
    expect(context.claimId).toBeUndefined();
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
