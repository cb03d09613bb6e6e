import Database from 'better-sqlite3';
import { GatewayError } from '../core/errors';
import type { QueueItem, StateStore } from '../core/state-store';
import { SQLITE_SCHEMA, sqliteStatements, type SqliteStatements } from './sqlite.schema';

export interface SqliteStateStoreOptions {
  path: string;
  /** How long a write waits for another process holding the file's write lock before answering try-again. */
  busyTimeoutMs?: number;
  now?: () => number;
}

/** Every this many writes, expired keys are swept, at most SWEEP_BATCH at a time: bounded work that outpaces writes. */
const SWEEP_EVERY = 64;
const SWEEP_BATCH = 256;

/**
 * State on one machine's disk (DESIGN §7), for a gateway that must not lose what it acknowledged. WAL with
 * `synchronous=FULL`: a write is on disk when its call returns, so a `kill -9` or a power cut loses nothing
 * acknowledged. Several processes may open the same file; every primitive is one statement or one
 * `BEGIN IMMEDIATE` transaction, so they stay atomic across processes (SQLite's own locking; not on a network
 * file system, where that locking is unreliable).
 *
 * better-sqlite3 is synchronous: a commit holds the event loop for its fsync (see README, "State store" for the
 * measured cost). So writes are committed in groups: every write asked for during one turn of the event loop
 * runs, in order, in one transaction at the end of that turn, and each caller's promise settles once that
 * transaction is on disk. Under concurrency one fsync serves many requests instead of one each; a lone write
 * waits no longer than the rest of its turn. Reads run at once (a caller reads what it awaited being written).
 */
export class SqliteStateStore implements StateStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly sql: SqliteStatements;
  private readonly now: () => number;
  private writes = 0;
  /** Writes asked for in this turn of the event loop, committed together by flush(). */
  private group: PendingWrite[] = [];

  constructor(options: SqliteStateStoreOptions) {
    this.now = options.now ?? Date.now;
    this.db = openDatabase(options.path, Math.trunc(options.busyTimeoutMs ?? 5000));
    this.sql = sqliteStatements(this.db);
  }

  async get(key: string): Promise<string | undefined> {
    return guard(() => (this.sql.get.get(key, this.now()) as { value: string } | undefined)?.value);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await this.write(() => this.sql.set.run(key, value, this.expiry(ttlMs)));
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.write(() => this.sql.setIfAbsent.run(key, value, this.expiry(ttlMs), this.now()).changes === 1);
  }

  async compareAndSet(key: string, expected: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.write(() => this.sql.compareAndSet.run(value, this.expiry(ttlMs), key, expected, this.now()).changes === 1);
  }

  async delete(key: string, expected?: string): Promise<boolean> {
    return this.write(() => {
      const removed = this.sql.delete.get({ key, expected: expected ?? null }) as { expires_at: number | null } | undefined;
      // An expired row is removed on the way, but it was not there for the caller.
      return removed !== undefined && (removed.expires_at === null || removed.expires_at > this.now());
    });
  }

  async increment(key: string): Promise<number> {
    return this.write(() => Number((this.sql.increment.get({ key, now: this.now() }) as { value: string }).value));
  }

  async enqueue(queue: string, id: string, value: string, maxItems: number): Promise<boolean> {
    return this.write(() =>
      this.db
        .transaction(() => {
          if (this.sql.queueHas.get(queue, id)) return true;
          if ((this.sql.queueLength.get(queue) as { n: number }).n >= maxItems) return false;
          this.sql.enqueue.run(queue, id, value);
          return true;
        })(),
    );
  }

  async peek(queue: string, limit: number): Promise<QueueItem[]> {
    return guard(() => this.sql.peek.all(queue, limit) as QueueItem[]);
  }

  async dequeue(queue: string, id: string): Promise<boolean> {
    return this.write(() => this.sql.dequeue.run(queue, id).changes === 1);
  }

  async queueLength(queue: string): Promise<number> {
    return guard(() => (this.sql.queueLength.get(queue) as { n: number }).n);
  }

  /** Takes the write lock and lets it go: the file is open, writable and not locked out by another process. */
  async health(): Promise<{ ok: boolean; detail?: string }> {
    try {
      this.db.transaction(() => undefined).immediate();
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: safeDetail(err) };
    }
  }

  /** Commits what is still queued, then closes: a write asked for before close() is not dropped. */
  async close(): Promise<void> {
    if (this.group.length > 0) this.flush();
    if (this.db.open) this.db.close();
  }

  private expiry(ttlMs: number | undefined): number | null {
    return ttlMs === undefined ? null : this.now() + ttlMs;
  }

  /** Queues a write for this turn's group commit; settles with its result once the group is on disk. */
  private write<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.group.length === 0) setImmediate(() => this.flush());
      this.group.push({ run, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /**
   * Commits the turn's writes in one IMMEDIATE transaction, each in the order asked, each atomic on its own: one
   * refusing (the store full) fails alone. A commit that fails (another process holding the lock past
   * busy_timeout, a failing disk) fails them all, as nothing of it was written. Now and then a bounded sweep of
   * expired keys rides along, so the file does not grow with dead records.
   */
  private flush(): void {
    const group = this.group;
    this.group = [];
    if (!this.db.open) {
      for (const w of group) w.reject(unavailable());
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const sweepDue = Math.floor((this.writes + group.length) / SWEEP_EVERY) > Math.floor(this.writes / SWEEP_EVERY);
    this.writes += group.length;
    try {
      guard(() =>
        this.db
          .transaction(() => {
            for (const w of group) {
              try {
                outcomes.push({ ok: true, value: guard(w.run) });
              } catch (err) {
                outcomes.push({ ok: false, value: err });
              }
            }
            if (sweepDue) this.sql.sweep.run(this.now(), SWEEP_BATCH);
          })
          .immediate(),
      );
    } catch (err) {
      for (const w of group) w.reject(err);
      return;
    }
    group.forEach((w, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) w.resolve(outcome.value);
      else w.reject(outcome.value);
    });
  }
}

/**
 * Opens the file, WAL on, the schema in place. Opening can meet another process's lock where SQLite answers at
 * once instead of waiting for it (busy while the WAL is being recovered after a process died mid-write, or
 * SQLITE_PROTOCOL when a read lock cannot be had among busy writers), as a replacement worker does beside its
 * siblings: that is retried for up to busy_timeout, as a write would wait. It runs once, at start-up, before
 * anything is served, so the wait may block.
 */
function openDatabase(path: string, busyTimeoutMs: number): Database.Database {
  const giveUpAt = Date.now() + busyTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(SQLITE_SCHEMA);
      return db;
    } catch (err) {
      db?.close();
      const code = (err as { code?: string }).code ?? '';
      if (/^SQLITE_(BUSY|LOCKED|PROTOCOL)/.test(code) && Date.now() < giveUpAt) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(10 * attempt, 200));
        continue;
      }
      // Without a SQLite code it is the file itself (a missing folder, a path that is a directory).
      throw new GatewayError('upstream_unavailable', `The sqlite state store could not be opened (${safeDetail(err, 'the file cannot be opened')})`, {}, { cause: err });
    }
  }
}

interface PendingWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const unavailable = (): GatewayError =>
  new GatewayError('upstream_unavailable', 'The gateway state store is unavailable; try again later', { retryAfterSeconds: 1 });

/**
 * SQLite failures as the caller's "try again": a locked, full or failing disk is the gateway's problem, never a
 * crash or a 500. The message names the condition, not the file path.
 */
function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    const code = (err as { code?: string }).code ?? '';
    if (code === 'SQLITE_FULL') {
      throw new GatewayError('rate_limited', 'The gateway state store is full; try again later', { retryAfterSeconds: 1 }, { cause: err });
    }
    throw new GatewayError('upstream_unavailable', 'The gateway state store is unavailable; try again later', { retryAfterSeconds: 1 }, { cause: err });
  }
}

/** The SQLite code of an error, never its message (which may hold the file's path); `otherwise` without one. */
function safeDetail(err: unknown, otherwise = 'not writable'): string {
  const code = (err as { code?: string }).code;
  return `sqlite: ${code || otherwise}`;
}
