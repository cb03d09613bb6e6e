import type Database from 'better-sqlite3';

/**
 * Keys with an optional expiry (epoch ms; NULL lives until deleted) and queues whose AUTOINCREMENT seq gives FIFO
 * order that never reuses a number, even after the newest item is removed. Created if absent, so any process
 * opening the file first sets it up.
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  expires_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS kv_expires_at ON kv (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS queue_items (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  queue TEXT NOT NULL,
  id TEXT NOT NULL,
  value TEXT NOT NULL,
  UNIQUE (queue, id)
);
CREATE INDEX IF NOT EXISTS queue_items_order ON queue_items (queue, seq);
`;

/** One statement per primitive: a single statement is atomic in SQLite, across processes too. */
export function sqliteStatements(db: Database.Database) {
  return {
    get: db.prepare(`SELECT value FROM kv WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)`),
    set: db.prepare(
      `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    ),
    // Takes the key only where the row present has expired: changes() is 1 exactly when this call set it.
    setIfAbsent: db.prepare(
      `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
       WHERE kv.expires_at IS NOT NULL AND kv.expires_at <= ?`,
    ),
    compareAndSet: db.prepare(
      `UPDATE kv SET value = ?, expires_at = ? WHERE key = ? AND value = ? AND (expires_at IS NULL OR expires_at > ?)`,
    ),
    delete: db.prepare(`DELETE FROM kv WHERE key = @key AND (@expected IS NULL OR value = @expected) RETURNING expires_at`),
    // An expired counter starts again from 1; a counter never expires once incremented.
    increment: db.prepare(
      `INSERT INTO kv (key, value, expires_at) VALUES (@key, '1', NULL)
       ON CONFLICT (key) DO UPDATE SET
         value = CASE WHEN kv.expires_at IS NOT NULL AND kv.expires_at <= @now THEN '1'
                      ELSE CAST(CAST(kv.value AS INTEGER) + 1 AS TEXT) END,
         expires_at = NULL
       RETURNING value`,
    ),
    sweep: db.prepare(
      `DELETE FROM kv WHERE key IN (SELECT key FROM kv WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
    ),
    queueHas: db.prepare(`SELECT 1 FROM queue_items WHERE queue = ? AND id = ?`),
    queueLength: db.prepare(`SELECT COUNT(*) AS n FROM queue_items WHERE queue = ?`),
    enqueue: db.prepare(`INSERT INTO queue_items (queue, id, value) VALUES (?, ?, ?)`),
    peek: db.prepare(`SELECT id, value FROM queue_items WHERE queue = ? ORDER BY seq LIMIT ?`),
    dequeue: db.prepare(`DELETE FROM queue_items WHERE queue = ? AND id = ?`),
  };
}

export type SqliteStatements = ReturnType<typeof sqliteStatements>;
