import { randomUUID } from 'node:crypto';
import type { StateStore } from '../../src/core/state-store';

export interface StateStoreEnv {
  store: StateStore;
  /** A second handle on the same state (another replica, or the store reopened), when the kind has one. */
  reopen?: () => Promise<StateStore>;
  teardown(): Promise<void>;
}

/**
 * What every state store keeps (DESIGN §7), run against memory, sqlite and redis alike. Keys are unique per run,
 * so a shared server may hold other data.
 */
export function runStateStoreContract(name: string, setup: () => Promise<StateStoreEnv>, options: { shared: boolean }): void {
  describe(`state store contract: ${name}`, () => {
    let env: StateStoreEnv;
    let store: StateStore;
    const k = (suffix: string) => `t:${randomUUID()}:${suffix}`;
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

    beforeAll(async () => {
      env = await setup();
      store = env.store;
    });
    afterAll(async () => {
      await env?.teardown();
    });

    test('get of an absent key is undefined; set then get returns the value', async () => {
      const key = k('a');
      expect(await store.get(key)).toBeUndefined();
      await store.set(key, 'v1 ü\n"quoted"');
      expect(await store.get(key)).toBe('v1 ü\n"quoted"');
      await store.set(key, 'v2');
      expect(await store.get(key)).toBe('v2');
    });

    test('a key with a TTL expires', async () => {
      const key = k('ttl');
      await store.set(key, 'x', 150);
      expect(await store.get(key)).toBe('x');
      await wait(400);
      expect(await store.get(key)).toBeUndefined();
      expect(await store.setIfAbsent(key, 'y', 1000)).toBe(true);
    });

    test('setIfAbsent: only the first of many concurrent callers wins', async () => {
      const key = k('nx');
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.setIfAbsent(key, `c${i}`, 10_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await store.get(key)).toBe(`c${winner}`);
    });

    test('compareAndSet replaces only the expected value', async () => {
      const key = k('cas');
      expect(await store.compareAndSet(key, 'a', 'b')).toBe(false);
      await store.set(key, 'a');
      expect(await store.compareAndSet(key, 'x', 'b')).toBe(false);
      expect(await store.get(key)).toBe('a');
      expect(await store.compareAndSet(key, 'a', 'b', 10_000)).toBe(true);
      expect(await store.get(key)).toBe('b');
    });

    test('delete, and delete only when the value is the expected one', async () => {
      const key = k('del');
      expect(await store.delete(key)).toBe(false);
      await store.set(key, 'mine');
      expect(await store.delete(key, 'theirs')).toBe(false);
      expect(await store.get(key)).toBe('mine');
      expect(await store.delete(key, 'mine')).toBe(true);
      expect(await store.get(key)).toBeUndefined();
      await store.set(key, 'again');
      expect(await store.delete(key)).toBe(true);
    });

    test('increment counts from 1 and every concurrent caller gets its own number', async () => {
      const key = k('ctr');
      const values = await Promise.all(Array.from({ length: 25 }, () => store.increment(key)));
      expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    });

    test('a queue is FIFO, peek does not remove, dequeue removes by id, and it is bounded', async () => {
      const q = k('q');
      expect(await store.queueLength(q)).toBe(0);
      expect(await store.peek(q, 10)).toEqual([]);
      for (const id of ['1', '2', '3']) expect(await store.enqueue(q, id, `value ${id}`, 3)).toBe(true);
      expect(await store.enqueue(q, '4', 'value 4', 3)).toBe(false);
      expect(await store.queueLength(q)).toBe(3);
      expect(await store.peek(q, 2)).toEqual([
        { id: '1', value: 'value 1' },
        { id: '2', value: 'value 2' },
      ]);
      expect(await store.dequeue(q, '2')).toBe(true);
      expect(await store.dequeue(q, '2')).toBe(false);
      expect(await store.peek(q, 10)).toEqual([
        { id: '1', value: 'value 1' },
        { id: '3', value: 'value 3' },
      ]);
      expect(await store.enqueue(q, '5', 'value 5', 3)).toBe(true);
      expect((await store.peek(q, 10)).map((i) => i.id)).toEqual(['1', '3', '5']);
    });

    test('enqueue of an id already queued keeps one item in its place', async () => {
      const q = k('dup');
      await store.enqueue(q, 'a', 'first', 10);
      await store.enqueue(q, 'b', 'second', 10);
      expect(await store.enqueue(q, 'a', 'again', 10)).toBe(true);
      expect(await store.peek(q, 10)).toEqual([
        { id: 'a', value: 'first' },
        { id: 'b', value: 'second' },
      ]);
    });

    test('enqueue of an id already queued succeeds even when the queue is full, and adds nothing', async () => {
      const q = k('full');
      expect(await store.enqueue(q, 'a', 'first', 1)).toBe(true);
      expect(await store.enqueue(q, 'a', 'again', 1)).toBe(true);
      expect(await store.enqueue(q, 'b', 'other', 1)).toBe(false);
      expect(await store.peek(q, 10)).toEqual([{ id: 'a', value: 'first' }]);
    });

    test('health is ok', async () => {
      expect(await store.health()).toEqual(expect.objectContaining({ ok: true }));
    });

    const sharedTest = options.shared ? test : test.skip;
    sharedTest(`what one handle writes, another handle on the same state reads${options.shared ? '' : ` (skipped: ${name} is one process's own state)`}`, async () => {
      const key = k('shared');
      const q = k('sq');
      await store.set(key, 'seen');
      await store.enqueue(q, 'x', 'queued', 5);
      const other = await env.reopen!();
      try {
        expect(await other.get(key)).toBe('seen');
        expect(await other.setIfAbsent(key, 'other')).toBe(false);
        expect(await other.peek(q, 5)).toEqual([{ id: 'x', value: 'queued' }]);
      } finally {
        await other.close();
      }
    });
  });
}

/** A store that is full refuses new writes as a retryable error (the bounded-buffer rule), not by growing. */
export const FULL = { code: 'rate_limited', retryable: true };
