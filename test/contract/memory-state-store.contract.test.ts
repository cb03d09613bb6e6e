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
