import { InteractionIndex } from '../../../src/core/interaction-index';
import { silentLogger } from '../../../src/core/logger';
import { MemoryStateStore } from '../../../src/store/memory.state-store';

const newStore = (maxEntries = 1000) => new MemoryStateStore({ maxEntries, maxBytes: 1 << 20 });

describe('interaction index', () => {
  test('remembers where an interaction lives, and asks the fallback only for ids it does not know', async () => {
    const asked: string[] = [];
    const index = new InteractionIndex(newStore(), {
      ttlMs: 60_000,
      logger: silentLogger,
      fallback: async (id) => (asked.push(id), id === 'SIMID' ? { service: 'chat', backend: 'sim' } : undefined),
    });
    await index.remember('UP1', { service: 'orders/eu', backend: 'cloud' });
    expect(await index.locate('UP1')).toEqual({ service: 'orders/eu', backend: 'cloud' });
    expect(await index.locate('SIMID')).toEqual({ service: 'chat', backend: 'sim' });
    expect(await index.locate('nope')).toBeUndefined();
    expect(asked).toEqual(['SIMID', 'nope']);
  });

  test('each interaction keeps its own service and backend, however creates through several routes interleave', async () => {
    const index = new InteractionIndex(newStore(), { ttlMs: 60_000, logger: silentLogger });
    const where = [
      { service: 'a', backend: 'cloud' },
      { service: 'a', backend: 'cloud' },
      { service: 'b', backend: 'cloud' },
      { service: 'a', backend: 'other' },
      { service: 'a', backend: 'cloud' },
      { service: 'q"\\\u0001', backend: 'cloud' },
      { service: '', backend: '' },
    ];
    for (const [i, location] of where.entries()) await index.remember(`I${i}`, location);
    for (const [i, location] of where.entries()) expect(await index.locate(`I${i}`)).toEqual(location);
  });

  test('numeric aliases are stable per id, distinct between ids, and map back', async () => {
    const index = new InteractionIndex(newStore(), { ttlMs: 60_000, logger: silentLogger });
    const [a1, a2, b] = await Promise.all([index.numericAliasOf('A'), index.numericAliasOf('A'), index.numericAliasOf('B')]);
    expect(a1).toBe(a2);
    expect(b).not.toBe(a1);
    expect(await index.numericAliasOf('A')).toBe(a1);
    expect(await index.idOfNumericAlias(a1)).toBe('A');
    expect(await index.idOfNumericAlias(b)).toBe('B');
    expect(await index.idOfNumericAlias(999)).toBeUndefined();
    expect(await index.idOfNumericAlias(-1)).toBeUndefined();
    expect(await index.idOfNumericAlias(2 ** 60)).toBeUndefined();
  });

  test('a full store does not fail remember: the command it follows has already been applied', async () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (m: string) => void warnings.push(m) };
    const index = new InteractionIndex(newStore(1), { ttlMs: 60_000, logger });
    await index.remember('A', { service: 's', backend: 'b' });
    await expect(index.remember('B', { service: 's', backend: 'b' })).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(await index.locate('B')).toBeUndefined();
  });
});
