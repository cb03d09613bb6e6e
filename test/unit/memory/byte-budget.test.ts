import { GatewayError } from '../../../src/core/errors';
import { userDataBytes, type UserData } from '../../../src/core/user-data';
import { byId, memoryFixture } from './memory-fixture';

const blob = (chars: number): UserData => [{ key: 'Blob', type: 'str', value: 'x'.repeat(chars) }];

async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GatewayError) return err;
  }
  throw new Error('expected a GatewayError');
}

describe('user-data size estimate', () => {
  it('counts keys, values and a fixed cost per entry, nested lists included', () => {
    const flat = userDataBytes([{ key: 'ab', type: 'str', value: 'cde' }]);
    const nested = userDataBytes([{ key: 'k', type: 'kvlist', value: [{ key: 'ab', type: 'str', value: 'cde' }] }]);
    expect(flat).toBeGreaterThan(5);
    expect(nested).toBeGreaterThan(flat);
    expect(userDataBytes([])).toBe(0);
  });
});

describe('memory contact center byte limits', () => {
  it('refuses user data over maxUserDataBytes as too large, on create and update', async () => {
    const f = memoryFixture(undefined, { maxUserDataBytes: 1000 });
    const tooLarge = await failure(f.create({ userData: blob(1000) }));
    expect(tooLarge).toMatchObject({ code: 'invalid_request', details: { reason: 'too_large' } });
    const { id } = await f.create({ userData: blob(500) });
    const grown = await failure(f.update(byId(id), [{ op: 'add', entries: [{ key: 'More', type: 'str', value: 'y'.repeat(500) }] }]));
    expect(grown.details.reason).toBe('too_large');
    expect((await f.get(byId(id))).userData).toEqual(blob(500));
  });

  it('answers try-again past maxBytes, counts updates, and frees room as stopped interactions are evicted', async () => {
    const f = memoryFixture({ maxStoppedAgeMs: 1000 }, { maxBytes: 3 * 10_000 });
    const first = await f.create({ userData: blob(9000) });
    await f.create({ userData: blob(9000) });
    await f.create({ userData: blob(9000) });
    const full = await failure(f.create({ userData: blob(9000) }));
    expect(full).toMatchObject({ code: 'rate_limited', retryable: true, details: { retryAfterSeconds: 5 } });
    // A growing update is held to the same budget; a shrinking one frees room.
    expect((await failure(f.update(byId(first.id), [{ op: 'upsert', entries: blob(11_000) }]))).code).toBe('rate_limited');
    await f.update(byId(first.id), [{ op: 'upsert', entries: blob(10) }]);
    const fourth = await f.create({ userData: blob(8000) });
    expect((await failure(f.create({ userData: blob(9000) }))).code).toBe('rate_limited');
    // A stopped interaction gives its room back when a create needs it, before its retention is over.
    await f.stop(byId(fourth.id));
    await f.create({ userData: blob(9000) });
    await expect(f.get(byId(fourth.id))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('gives the room of evicted interactions back', async () => {
    const f = memoryFixture({ maxStoppedAgeMs: 1000 }, { maxBytes: 10_000 });
    const { id } = await f.create({ userData: blob(9000) });
    await f.stop(byId(id));
    f.advance(1001);
    await f.create({ userData: blob(9000) });
    expect((await failure(f.create({ userData: blob(9000) }))).code).toBe('rate_limited');
  });
});
