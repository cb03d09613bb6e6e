import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InteractionIndex } from '../../src/core/interaction-index';
import { silentLogger } from '../../src/core/logger';
import type { StateStore } from '../../src/core/state-store';
import { RedisStateStore } from '../../src/store/redis.state-store';
import { SqliteStateStore } from '../../src/store/sqlite.state-store';
import { describeWithRedis, startRedis } from '../support/redis';

/**
 * The id index and Oracle's numeric aliases (DESIGN "Which service?") live in the state store, so two gateways on
 * one shared store (two replicas on Redis, two processes on one SQLite file) find each other's interactions.
 */
function sharedIndexCases(open: () => Promise<{ stores: [StateStore, StateStore]; teardown(): Promise<void> }>): void {
  let stores: [StateStore, StateStore];
  let teardown: () => Promise<void>;
  const indexes = () => stores.map((s) => new InteractionIndex(s, { ttlMs: 60_000, logger: silentLogger })) as [InteractionIndex, InteractionIndex];
  const id = () => `id-${Math.random().toString(36).slice(2)}`;

  beforeEach(async () => {
    ({ stores, teardown } = await open());
  });
  afterEach(() => teardown());

  test('an interaction remembered by one gateway is located by the other', async () => {
    const [a, b] = indexes();
    const known = id();
    await a.remember(known, { service: 'customer-support', backend: 'cloud' });
    expect(await b.locate(known)).toEqual({ service: 'customer-support', backend: 'cloud' });
    expect(await b.locate(id())).toBeUndefined();
  });

  test('both aliasing the same id at once: one number, resolvable on either', async () => {
    const [a, b] = indexes();
    const shared = id();
    const aliases = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).numericAliasOf(shared)));
    expect(new Set(aliases).size).toBe(1);
    const alias = aliases[0]!;
    expect(Number.isSafeInteger(alias) && alias > 0).toBe(true);
    expect(await a.idOfNumericAlias(alias)).toBe(shared);
    expect(await b.idOfNumericAlias(alias)).toBe(shared);
    // Another id on the other gateway draws another number.
    expect(await b.numericAliasOf(id())).not.toBe(alias);
  });
}

describe('shared id index: two handles on one SQLite file', () => {
  sharedIndexCases(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omgw-index-'));
    const path = join(dir, 'state.db');
    const stores: [StateStore, StateStore] = [new SqliteStateStore({ path }), new SqliteStateStore({ path })];
    return {
      stores,
      async teardown() {
        await Promise.all(stores.map((s) => s.close()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

describeWithRedis('shared id index: two clients on one Redis', () => {
  sharedIndexCases(async () => {
    const redis = await startRedis();
    const open = () => new RedisStateStore({ url: redis.url, keyPrefix: 'omgw:', timeoutMs: 2000, logger: silentLogger });
    const stores: [StateStore, StateStore] = [open(), open()];
    return {
      stores,
      async teardown() {
        await Promise.all(stores.map((s) => s.close()));
        await redis.close();
      },
    };
  });
});
