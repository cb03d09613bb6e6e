import { GatewayError } from '../../../src/core/errors';
import { byExternalId, byId, memoryFixture } from './memory-fixture';

const HOUR = 3_600_000;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (err: unknown) => (err instanceof GatewayError ? err.code : 'not a GatewayError'),
  );
}

describe('memory driver retention of stopped interactions', () => {
  it('keeps a stopped interaction readable for 24 h by default, then forgets it', async () => {
    const f = memoryFixture();
    const { id } = await f.create({ externalId: 'x1' });
    await f.stop(byId(id));
    f.advance(24 * HOUR);
    expect((await f.get(byId(id))).state).toBe('stopped');
    f.advance(1);
    expect(await codeOf(f.get(byId(id)))).toBe('not_found');
    expect(await codeOf(f.get(byExternalId('x1')))).toBe('not_found');
  });

  it('honours a configured age', async () => {
    const f = memoryFixture({ maxStoppedAgeMs: 1000 });
    const { id } = await f.create();
    await f.stop(byId(id));
    f.advance(1001);
    expect(await codeOf(f.get(byId(id)))).toBe('not_found');
  });

  it('keeps at most maxStopped stopped interactions, forgetting the oldest first', async () => {
    const f = memoryFixture({ maxStopped: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { id } = await f.create();
      ids.push(id);
      await f.stop(byId(id));
      f.advance(1);
    }
    expect(await codeOf(f.get(byId(ids[0]!)))).toBe('not_found');
    expect(await codeOf(f.get(byId(ids[1]!)))).toBe('ok');
    expect(await codeOf(f.get(byId(ids[2]!)))).toBe('ok');
  });

  it('never forgets a live interaction, however old', async () => {
    const f = memoryFixture({ maxStoppedAgeMs: 10, maxStopped: 0 });
    const { id } = await f.create({ externalId: 'live' });
    f.advance(365 * 24 * HOUR);
    const other = await f.create();
    await f.stop(byId(other.id));
    expect((await f.get(byExternalId('live'))).id).toBe(id);
  });

  it('forgets an externalId only with its latest stopped interaction', async () => {
    const f = memoryFixture({ maxStopped: 1 });
    const first = await f.create({ externalId: 'again' });
    await f.stop(byId(first.id));
    const second = await f.create({ externalId: 'again' });
    await f.stop(byId(second.id));
    expect(await codeOf(f.get(byId(first.id)))).toBe('not_found');
    expect((await f.get(byExternalId('again'))).id).toBe(second.id);
  });

  it('lets a service whose interactions were all forgotten start afresh', async () => {
    const f = memoryFixture({ maxStoppedAgeMs: 10 });
    const { id } = await f.create({ externalId: 'e' });
    await f.stop(byId(id));
    f.advance(11);
    const again = await f.create({ externalId: 'e' });
    expect((await f.get(byExternalId('e'))).id).toBe(again.id);
  });

  it('survives many evictions (the queue compacts)', async () => {
    const f = memoryFixture({ maxStopped: 5 });
    let lastId = '';
    for (let i = 0; i < 5000; i++) {
      const { id } = await f.create({ externalId: `e${i}` });
      await f.stop(byId(id));
      lastId = id;
    }
    expect((await f.get(byId(lastId))).state).toBe('stopped');
    expect(await codeOf(f.get(byExternalId('e4994')))).toBe('not_found');
    expect(await codeOf(f.get(byExternalId('e4995')))).toBe('ok');
  });
});
