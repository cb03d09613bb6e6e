/**
 * The state the gateway itself keeps (DESIGN §7): id aliases, the id index, the externalId index, idempotency
 * records and the outbox. They are all built on these few primitives, so each backing store (memory, sqlite,
 * redis) implements only the primitives, and the rules above them are written once.
 *
 * Every primitive is atomic on its own, across processes for the shared stores: that is what lets several
 * gateway replicas claim an idempotency key or a worker lease without a second lock.
 *
 * Keys and values are strings; callers namespace keys (`idx:`, `alias:`, `idem:`…) and serialise values.
 * A store that is full refuses a write with a retryable GatewayError (`rate_limited`), never by growing.
 */
export interface StateStore {
  readonly kind: string;

  /** The value of a key, or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Sets a key; `ttlMs` absent means it lives until deleted. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets a key only if it is absent (or expired); true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Replaces a key's value only if it currently equals `expected`; true when replaced. */
  compareAndSet(key: string, expected: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Deletes a key; with `expected`, only if its value equals it. True when something was deleted. */
  delete(key: string, expected?: string): Promise<boolean>;
  /** Adds 1 to an integer counter (absent = 0) and returns the new value. Counters never expire. */
  increment(key: string): Promise<number>;

  /** Appends an item to a FIFO queue; an id already queued keeps its place (true); false when `maxItems` are queued. */
  enqueue(queue: string, id: string, value: string, maxItems: number): Promise<boolean>;
  /** The first `limit` items of a queue, oldest first, without removing them. */
  peek(queue: string, limit: number): Promise<QueueItem[]>;
  /** Removes an item from a queue by id; true when it was there. */
  dequeue(queue: string, id: string): Promise<boolean>;
  /** How many items a queue holds. */
  queueLength(queue: string): Promise<number>;

  /** Reachable and writable (for /readyz). */
  health(): Promise<{ ok: boolean; detail?: string }>;
  close(): Promise<void>;
}

export interface QueueItem {
  id: string;
  value: string;
}
