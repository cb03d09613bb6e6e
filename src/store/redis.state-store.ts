import { setTimeout as delay } from 'node:timers/promises';
import { createClient, type RedisClientType } from '@redis/client';
import { GatewayError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { QueueItem, StateStore } from '../core/state-store';
import { COMPARE_AND_SET, DELETE_IF_EQUALS, DEQUEUE, ENQUEUE, PEEK, type RedisScript } from './redis.scripts';

export interface RedisStateStoreOptions {
  /** `redis://[user:password@]host:port[/db]`; its password is never logged. */
  url: string;
  /** Put before every key, so several gateways (or other applications) can share one Redis. */
  keyPrefix: string;
  /** How long one command may take before the caller is answered try-again. */
  timeoutMs: number;
  logger: Logger;
}

const MAX_PENDING_COMMANDS = 10_000;

/** Reconnection never gives up: 50 ms doubling to 2 s, with jitter so replicas do not reconnect in step. */
const reconnectDelay = (retries: number): number => Math.min(50 * 2 ** retries, 2000) + Math.floor(Math.random() * 100);

/**
 * State shared by every gateway replica on one Redis (DESIGN §7): the way to scale out. Each primitive is one
 * Redis command or one Lua script, so it is atomic across replicas.
 *
 * While Redis is unreachable, commands fail at once (no offline queue: a backlog would replay stale writes and
 * grow without bound) and callers are answered try-again, in every dialect; the client reconnects by itself and
 * /readyz reports the store until it does.
 */
export class RedisStateStore implements StateStore {
  readonly kind = 'redis';
  private readonly client: RedisClientType;
  private readonly firstConnect: Promise<unknown>;
  private connected = false;
  private lost = false;

  constructor(private readonly options: RedisStateStoreOptions) {
    this.client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      // Bounds the commands a hung server holds (see run()); past it, commands are refused at once.
      commandsQueueMaxLength: MAX_PENDING_COMMANDS,
      // A connect may take longer than a command on a loaded host; a short one would flap between attempts.
      socket: { connectTimeout: Math.max(options.timeoutMs, 5000), reconnectStrategy: reconnectDelay },
    }) as RedisClientType;
    const target = redisTarget(options.url);
    this.client.on('error', (err: unknown) => {
      // Once per outage, not once per reconnect attempt.
      if (this.lost) return;
      this.lost = true;
      options.logger.warn('State store unreachable; reconnecting', { store: 'redis', target, error: errorName(err) });
    });
    this.client.on('ready', () => {
      this.connected = true;
      if (!this.lost) return;
      this.lost = false;
      options.logger.info('State store reachable again', { store: 'redis', target });
    });
    this.firstConnect = this.client.connect().catch(() => undefined);
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.run(['GET', this.key(key)]);
    return value === null ? undefined : String(value);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    await this.run(['SET', this.key(key), value, ...px(ttlMs)]);
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return (await this.run(['SET', this.key(key), value, 'NX', ...px(ttlMs)])) !== null;
  }

  async compareAndSet(key: string, expected: string, value: string, ttlMs?: number): Promise<boolean> {
    return (await this.script(COMPARE_AND_SET, [this.key(key)], [expected, value, ttlArg(ttlMs)])) === 1;
  }

  async delete(key: string, expected?: string): Promise<boolean> {
    if (expected === undefined) return (await this.run(['DEL', this.key(key)])) === 1;
    return (await this.script(DELETE_IF_EQUALS, [this.key(key)], [expected])) === 1;
  }

  async increment(key: string): Promise<number> {
    return Number(await this.run(['INCR', this.key(key)]));
  }

  async enqueue(queue: string, id: string, value: string, maxItems: number): Promise<boolean> {
    return (await this.script(ENQUEUE, this.queueKeys(queue), [id, value, String(maxItems)])) === 1;
  }

  async peek(queue: string, limit: number): Promise<QueueItem[]> {
    if (limit < 1) return [];
    const flat = (await this.script(PEEK, this.queueKeys(queue).slice(0, 2), [String(limit)])) as string[];
    const items: QueueItem[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) items.push({ id: String(flat[i]), value: String(flat[i + 1]) });
    return items;
  }

  async dequeue(queue: string, id: string): Promise<boolean> {
    return (await this.script(DEQUEUE, this.queueKeys(queue), [id])) === 1;
  }

  async queueLength(queue: string): Promise<number> {
    return Number(await this.run(['HLEN', this.queueKeys(queue)[0]!]));
  }

  /** A short-lived write: a replica that only reads, or a full Redis, is not ready either. */
  async health(): Promise<{ ok: boolean; detail?: string }> {
    try {
      await this.run(['SET', this.key('health'), '1', 'PX', '60000']);
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: `redis: ${errorName((err as Error).cause ?? err)}` };
    }
  }

  async close(): Promise<void> {
    if (!this.client.isOpen) return;
    if (this.client.isReady) await this.client.close().catch(() => this.client.destroy());
    else this.client.destroy();
  }

  private key(key: string): string {
    return `${this.options.keyPrefix}k:${key}`;
  }

  private queueKeys(queue: string): string[] {
    const base = `${this.options.keyPrefix}q:${queue}:`;
    return [`${base}items`, `${base}order`, `${base}seq`];
  }

  /** EVALSHA, loading the script on the first NOSCRIPT (after a Redis restart, say). */
  private async script(lua: RedisScript, keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.run(['EVALSHA', lua.sha1, ...tail]);
    } catch (err) {
      if (!messageOf((err as Error).cause).startsWith('NOSCRIPT')) throw err;
      return this.run(['EVAL', lua.source, ...tail]);
    }
  }

  private async run(args: string[]): Promise<unknown> {
    // Only before the first connection do commands wait for it (bounded), so a request arriving just after start
    // is not refused; afterwards an unreachable Redis is answered at once.
    if (!this.connected) await Promise.race([this.firstConnect, delay(this.options.timeoutMs, undefined, { ref: false })]);
    // The client's own `timeout` covers only a command not yet written: a server that hangs after reading it
    // (stopped, swapping) would hold the caller for ever. The command stays in the client's bounded queue and its
    // late answer is discarded; the caller is answered try-again now.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('command timed out')), this.options.timeoutMs);
    });
    try {
      return await Promise.race([this.client.sendCommand(args), deadline]);
    } catch (err) {
      throw storeError(err);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Redis failures as the caller's "try again": never a crash or a 500. The message names no host or secret. */
function storeError(err: unknown): GatewayError {
  // Redis refuses writes past maxmemory (noeviction) with OOM: the bounded-buffer answer, as the memory store's.
  if (messageOf(err).startsWith('OOM')) {
    return new GatewayError('rate_limited', 'The gateway state store is full; try again later', { retryAfterSeconds: 1 }, { cause: err });
  }
  return new GatewayError('upstream_unavailable', 'The gateway state store is unavailable; try again later', { retryAfterSeconds: 1 }, { cause: err });
}

const messageOf = (err: unknown): string => String((err as Error | undefined)?.message ?? err ?? '');

const px = (ttlMs: number | undefined): string[] => (ttlMs === undefined ? [] : ['PX', String(Math.max(1, Math.ceil(ttlMs)))]);
const ttlArg = (ttlMs: number | undefined): string => (ttlMs === undefined ? '' : String(Math.max(1, Math.ceil(ttlMs))));

/** What failed, in words that hold no address or credential: an errno code, an error class, or a Redis error word. */
function errorName(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof e?.code === 'string') return e.code;
  if (e?.name === 'ErrorReply' && typeof e.message === 'string') return e.message.split(' ')[0] ?? 'ErrorReply';
  return typeof e?.name === 'string' ? e.name : 'error';
}

/** host:port of a Redis URL, for logs; the rest (user, password, db) stays out. */
function redisTarget(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'redis';
  }
}
