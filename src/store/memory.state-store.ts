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

/**
 * One key's value; a class, so every entry shares one shape (the store holds hundreds of thousands). Rewritten in
 * place when its key is set again (an idempotency record settling): no second entry, no second map write.
 */
class Entry {
  constructor(
    public value: string,
    /** Epoch ms; Infinity for keys without a TTL. */
    public expiresAt: number,
  ) {}
}

/**
 * One process's state. Bounded by entries and bytes, as every buffer of the gateway is: a flood of retried creates
 * gets "try again", it never grows the heap without end. Expired keys are dropped lazily on read and swept when
 * the store fills, so no timer keeps the process alive.
 */
export class MemoryStateStore implements StateStore {
  readonly kind = 'memory';
  private readonly entries = new Map<string, Entry>();
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
    return this.live(key)?.value;
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
      if (this.live(key)) return NO;
      this.write(key, undefined, value, ttlMs);
      return YES;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  compareAndSet(key: string, expected: string, value: string, ttlMs?: number): Promise<boolean> {
    try {
      const entry = this.live(key);
      if (entry?.value !== expected) return NO;
      this.write(key, entry, value, ttlMs);
      return YES;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  delete(key: string, expected?: string): Promise<boolean> {
    const entry = this.live(key);
    if (!entry || (expected !== undefined && entry.value !== expected)) return NO;
    this.remove(key, entry);
    return YES;
  }

  async increment(key: string): Promise<number> {
    const entry = this.live(key);
    const next = Number(entry?.value ?? '0') + 1;
    this.write(key, entry, String(next), undefined);
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

  /** The entry if present and not expired; an expired one is dropped on the way. */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.remove(key, entry);
      return undefined;
    }
    return entry;
  }

  /** `previous`: the key's live entry (from live()), rewritten in place; undefined when the key is new. */
  private write(key: string, previous: Entry | undefined, value: string, ttlMs: number | undefined): void {
    const added = previous ? value.length - previous.value.length : key.length + value.length;
    this.reserve(added, previous ? 0 : 1, previous);
    const expiresAt = ttlMs === undefined ? Infinity : this.now() + ttlMs;
    if (expiresAt < this.earliestExpiry) this.earliestExpiry = expiresAt;
    if (previous !== undefined) {
      previous.value = this.shared(value);
      previous.expiresAt = expiresAt;
    } else {
      this.entries.set(flat(key), new Entry(this.shared(value), expiresAt));
    }
    this.bytes += added;
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

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= key.length + entry.value.length;
  }

  /**
   * Makes room for a write, sweeping expired keys first; refuses as try-again when the bounds are still reached.
   * `writing`: the entry about to be rewritten, found live a moment ago, which the sweep leaves alone.
   */
  private reserve(bytes: number, keys: number, writing?: Entry): void {
    if (this.fits(bytes, keys)) return;
    const now = this.now();
    if (now >= this.earliestExpiry) {
      let earliest = Infinity;
      for (const [key, entry] of this.entries) {
        if (entry.expiresAt <= now && entry !== writing) this.remove(key, entry);
        else if (entry.expiresAt < earliest) earliest = entry.expiresAt;
      }
      this.earliestExpiry = earliest;
    }
    if (this.fits(bytes, keys)) return;
    throw new GatewayError('rate_limited', 'The gateway state store is full; try again later', { retryAfterSeconds: 1 });
  }

  private fits(bytes: number, keys: number): boolean {
    return this.entries.size + keys <= this.options.maxEntries && this.bytes + bytes <= this.options.maxBytes;
  }
}
