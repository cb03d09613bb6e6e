import { GatewayError } from '../core/errors';
import type { QueueItem, StateStore } from '../core/state-store';

export interface MemoryStateStoreOptions {
  /** Keys held at most; past it (after dropping expired ones) writes of new keys are refused as try-again. */
  maxEntries: number;
  /** Bytes of keys and values held at most (UTF-16 length as an estimate), with the same refusal. */
  maxBytes: number;
  now?: () => number;
}

/**
 * The same text in one piece. Keys and values are mostly built by concatenation or JSON.stringify, which V8
 * keeps as trees of parts (a third to a half more memory, for as long as the key lives): trim() hands back the
 * flattened text, which alone is then kept.
 */
function flat(text: string): string {
  const trimmed = text.trim();
  return trimmed.length === text.length ? trimmed : text;
}

const SHARED_VALUE_CHARS = 64;
const SHARED_VALUES = 1024;

const YES = Promise.resolve(true);
const NO = Promise.resolve(false);
const DONE = Promise.resolve();

export const DEFAULT_MEMORY_STATE_LIMITS = { maxEntries: 200_000, maxBytes: 64 * 1024 * 1024 } as const;

/** The slot of a key that is absent or expired. */
const NONE = -1;

/**
 * One process's state. Bounded by entries and bytes, as every buffer of the gateway is: a flood of retried creates
 * gets "try again", it never grows the heap without end. Expired keys are dropped lazily on read and swept when
 * the store fills, so no timer keeps the process alive.
 *
 * The store holds hundreds of thousands of keys (two per idempotent create, for a day), so each costs the garbage
 * collector as little as it can: a key maps to a numbered slot, whose value sits in an array of strings and whose
 * expiry in a Float64Array. A key is then its key and value strings, which the collector never has to look into,
 * instead of four objects (an entry object and its boxed expiry besides) that it would trace on every full
 * collection. A key set again rewrites its slot in place: no second entry, no second map write.
 */
export class MemoryStateStore implements StateStore {
  readonly kind = 'memory';
  private readonly slots = new Map<string, number>();
  private readonly values: string[] = [];
  /** Epoch ms, per slot; Infinity for keys without a TTL. */
  private expiries = new Float64Array(1024);
  /** Slots given back by deleted or expired keys, taken again before the arrays grow. */
  private readonly freeSlots: number[] = [];
  private readonly queues = new Map<string, Map<string, string>>();
  private bytes = 0;
  /**
   * No key expires before this (epoch ms): a full store sweeps only once something may have expired, so a flood
   * of writes against a store full of live keys is refused at once instead of walking every key each time.
   */
  private earliestExpiry = Infinity;
  private readonly sharedValues = new Map<string, string>();
  private readonly now: () => number;

  constructor(private readonly options: MemoryStateStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /*
   * The writes are not async functions but hand back settled promises, one shared per answer (a settled promise
   * never changes): an idempotent create calls three of them, and each async call is a promise of its own. A
   * refusal (the store is full) is still a rejected promise, never a throw.
   */

  async get(key: string): Promise<string | undefined> {
    const slot = this.live(key);
    return slot === NONE ? undefined : this.values[slot];
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    try {
      this.write(key, this.live(key), value, ttlMs);
      return DONE;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    try {
      if (this.live(key) !== NONE) return NO;
      this.write(key, NONE, value, ttlMs);
      return YES;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  compareAndSet(key: string, expected: string, value: string, ttlMs?: number): Promise<boolean> {
    try {
      const slot = this.live(key);
      if (slot === NONE || this.values[slot] !== expected) return NO;
      this.write(key, slot, value, ttlMs);
      return YES;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  delete(key: string, expected?: string): Promise<boolean> {
    const slot = this.live(key);
    if (slot === NONE || (expected !== undefined && this.values[slot] !== expected)) return NO;
    this.remove(key, slot);
    return YES;
  }

  async increment(key: string): Promise<number> {
    const slot = this.live(key);
    const next = Number(slot === NONE ? '0' : this.values[slot]) + 1;
    this.write(key, slot, String(next), undefined);
    return next;
  }

  async enqueue(queue: string, id: string, value: string, maxItems: number): Promise<boolean> {
    let items = this.queues.get(queue);
    // Already queued is success even when full: a retried enqueue must not read as refused.
    if (items?.has(id)) return true;
    if ((items?.size ?? 0) >= maxItems) return false;
    this.reserve(id.length + value.length, 1);
    if (!items) this.queues.set(queue, (items = new Map()));
    items.set(id, value);
    this.bytes += id.length + value.length;
    return true;
  }

  async peek(queue: string, limit: number): Promise<QueueItem[]> {
    const out: QueueItem[] = [];
    for (const [id, value] of this.queues.get(queue) ?? []) {
      if (out.length >= limit) break;
      out.push({ id, value });
    }
    return out;
  }

  async dequeue(queue: string, id: string): Promise<boolean> {
    const items = this.queues.get(queue);
    const value = items?.get(id);
    if (!items || value === undefined) return false;
    items.delete(id);
    this.bytes -= id.length + value.length;
    if (items.size === 0) this.queues.delete(queue);
    return true;
  }

  async queueLength(queue: string): Promise<number> {
    return this.queues.get(queue)?.size ?? 0;
  }

  async health(): Promise<{ ok: boolean; detail?: string }> {
    return { ok: true };
  }

  async close(): Promise<void> {}

  /** The key's slot if present and not expired, else NONE; an expired key is dropped on the way. */
  private live(key: string): number {
    const slot = this.slots.get(key);
    if (slot === undefined) return NONE;
    if (this.expiries[slot]! <= this.now()) {
      this.remove(key, slot);
      return NONE;
    }
    return slot;
  }

  /** `slot`: the key's live slot (from live()), rewritten in place; NONE when the key is new. */
  private write(key: string, slot: number, value: string, ttlMs: number | undefined): void {
    const added = slot === NONE ? key.length + value.length : value.length - this.values[slot]!.length;
    this.reserve(added, slot === NONE ? 1 : 0, slot);
    const expiresAt = ttlMs === undefined ? Infinity : this.now() + ttlMs;
    if (expiresAt < this.earliestExpiry) this.earliestExpiry = expiresAt;
    if (slot === NONE) {
      slot = this.newSlot();
      this.slots.set(flat(key), slot);
    }
    this.values[slot] = this.shared(value);
    this.expiries[slot] = expiresAt;
    this.bytes += added;
  }

  private newSlot(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    const slot = this.values.length;
    this.values.push('');
    if (slot === this.expiries.length) {
      const grown = new Float64Array(slot * 2);
      grown.set(this.expiries);
      this.expiries = grown;
    }
    return slot;
  }

  /**
   * Short values repeat across keys (an id-index entry is its service and backend): each is kept once, whatever
   * number of keys hold it. Bounded: past SHARED_VALUES distinct short values the table starts again.
   */
  private shared(value: string): string {
    if (value.length > SHARED_VALUE_CHARS) return flat(value);
    const known = this.sharedValues.get(value);
    if (known !== undefined) return known;
    if (this.sharedValues.size >= SHARED_VALUES) this.sharedValues.clear();
    const kept = flat(value);
    this.sharedValues.set(kept, kept);
    return kept;
  }

  private remove(key: string, slot: number): void {
    this.slots.delete(key);
    this.bytes -= key.length + this.values[slot]!.length;
    // The value is let go now, not when the slot is taken again.
    this.values[slot] = '';
    this.freeSlots.push(slot);
  }

  /**
   * Makes room for a write, sweeping expired keys first; refuses as try-again when the bounds are still reached.
   * `writing`: the slot about to be rewritten, found live a moment ago, which the sweep leaves alone.
   */
  private reserve(bytes: number, keys: number, writing = NONE): void {
    if (this.fits(bytes, keys)) return;
    const now = this.now();
    if (now >= this.earliestExpiry) {
      let earliest = Infinity;
      for (const [key, slot] of this.slots) {
        const expiresAt = this.expiries[slot]!;
        if (expiresAt <= now && slot !== writing) this.remove(key, slot);
        else if (expiresAt < earliest) earliest = expiresAt;
      }
      this.earliestExpiry = earliest;
    }
    if (this.fits(bytes, keys)) return;
    throw new GatewayError('rate_limited', 'The gateway state store is full; try again later', { retryAfterSeconds: 1 });
  }

  private fits(bytes: number, keys: number): boolean {
    return this.slots.size + keys <= this.options.maxEntries && this.bytes + bytes <= this.options.maxBytes;
  }
}
