import { MemoryStateStore } from '../../src/store/memory.state-store';
import { FULL, runStateStoreContract } from './state-store-contract';

runStateStoreContract('memory', async () => {
  const store = new MemoryStateStore({ maxEntries: 10_000, maxBytes: 1 << 22 });
  return { store, teardown: () => store.close() };
}, { shared: false });

describe('memory state store bounds', () => {
  test('a full store refuses new keys as try-again, and takes them again once keys expire', async () => {
    let now = 0;
    const store = new MemoryStateStore({ maxEntries: 3, maxBytes: 1 << 20, now: () => now });
    await store.set('a', '1', 100);
    await store.set('b', '2', 100);
    await store.set('c', '3');
    await store.set('a', 'overwrite is not a new key', 100);
    await expect(store.set('d', '4')).rejects.toMatchObject(FULL);
    now = 200;
    await store.set('d', '4');
    expect(await store.get('c')).toBe('3');
    expect(await store.get('a')).toBeUndefined();
  });

  test('bytes are bounded as well as keys', async () => {
    const store = new MemoryStateStore({ maxEntries: 1000, maxBytes: 100 });
    await store.set('k', 'x'.repeat(80));
    await expect(store.setIfAbsent('k2', 'y'.repeat(50))).rejects.toMatchObject(FULL);
    await expect(store.enqueue('q', 'i', 'z'.repeat(50), 10)).rejects.toMatchObject(FULL);
    await store.delete('k');
    expect(await store.enqueue('q', 'i', 'z'.repeat(50), 10)).toBe(true);
  });

  test('a key set again counts its new value, not both, and takes its new TTL', async () => {
    let now = 0;
    const store = new MemoryStateStore({ maxEntries: 1000, maxBytes: 100, now: () => now });
    await store.set('k', 'x'.repeat(80), 100);
    expect(await store.compareAndSet('k', 'x'.repeat(80), 'y'.repeat(90), 300)).toBe(true);
    await expect(store.set('k2', 'z'.repeat(10))).rejects.toMatchObject(FULL);
    await store.set('k', 'w'.repeat(40), 300);
    await store.set('k2', 'z'.repeat(50));
    now = 200;
    expect(await store.get('k')).toBe('w'.repeat(40));
    now = 300;
    expect(await store.get('k')).toBeUndefined();
    await store.set('k3', 'v'.repeat(45));
  });
});

const VALUES: ((step: number) => string)[] = [
  (step) => `v${step}`,
  (step) => `v${step}`.repeat(1 + (step % 40)),
  (step) => `ü${step}€`.repeat(1 + (step % 7)),
  () => '',
  (step) => (step % 50 === 0 ? `big${step}`.repeat(40_000) : `m${step}`),
];

describe('memory state store slots', () => {
  test('keys set, rewritten, expired and deleted in any order read back as a plain map of them would', async () => {
    // Slots are given back and taken again: a seeded random walk against the simplest model of the contract.
    let now = 0;
    let seed = 42;
    const random = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n);
    const store = new MemoryStateStore({ maxEntries: 5_000, maxBytes: 1 << 30, now: () => now });
    const model = new Map<string, { value: string; expiresAt: number }>();
    const alive = (key: string) => {
      const entry = model.get(key);
      return entry && entry.expiresAt > now ? entry : undefined;
    };
    // More keys at once than the store's first arrays hold: they grow with keys already in them.
    for (let i = 0; i < 1_500; i++) {
      await store.set(`k${i}`, `first${i}`);
      model.set(`k${i}`, { value: `first${i}`, expiresAt: Infinity });
    }
    for (let step = 0; step < 40_000; step++) {
      // Keys and values in and out of ASCII, short and long, now and then large.
      const key = random(7) === 0 ? `ké€😀${random(2_000)}` : `k${random(2_000)}`;
      const value = VALUES[random(VALUES.length)]!(step);
      const ttl = random(4) === 0 ? undefined : 1 + random(50);
      const expiresAt = ttl === undefined ? Infinity : now + ttl;
      switch (random(5)) {
        case 0:
          await store.set(key, value, ttl);
          model.set(key, { value, expiresAt });
          break;
        case 1: {
          const set = !alive(key);
          expect(await store.setIfAbsent(key, value, ttl)).toBe(set);
          if (set) model.set(key, { value, expiresAt });
          break;
        }
        case 2: {
          const expected = alive(key)?.value ?? 'none';
          const swap = random(2) === 0 ? expected : 'other';
          const done = alive(key) !== undefined && swap === expected;
          expect(await store.compareAndSet(key, swap, value, ttl)).toBe(done);
          if (done) model.set(key, { value, expiresAt });
          break;
        }
        case 3:
          expect(await store.delete(key)).toBe(alive(key) !== undefined);
          model.delete(key);
          break;
        default:
          expect(await store.get(key)).toBe(alive(key)?.value);
      }
      if (random(10) === 0) now += 1 + random(5);
    }
    for (let i = 0; i < 2_000; i++) {
      for (const key of [`k${i}`, `ké€😀${i}`]) expect(await store.get(key)).toBe(alive(key)?.value);
    }
  });
});
