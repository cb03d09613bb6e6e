import { createHash } from 'node:crypto';

/**
 * The primitives Redis has no single command for, as Lua scripts: Redis runs a script atomically, so each is one
 * step for every client. A queue is a hash (id → value) beside a sorted set (id by arrival number) and a counter
 * that numbers arrivals: FIFO order, and removal by id in O(log n), which a list would make O(n).
 */
export interface RedisScript {
  source: string;
  sha1: string;
}

const script = (source: string): RedisScript => ({ source, sha1: createHash('sha1').update(source).digest('hex') });

/** KEYS[1] key; ARGV expected, value, ttl in ms ('' = none). 1 when replaced. */
export const COMPARE_AND_SET = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] == '' then redis.call('SET', KEYS[1], ARGV[2]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`);

/** KEYS[1] key; ARGV expected. 1 when deleted. */
export const DELETE_IF_EQUALS = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`);

/** KEYS items, order, seq; ARGV id, value, maxItems. 1 when queued (or already queued), 0 when full. */
export const ENQUEUE = script(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
local seq = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
return 1`);

/** KEYS items, order; ARGV limit. A flat [id, value, id, value…] oldest first, read in one consistent step. */
export const PEEK = script(`
local ids = redis.call('ZRANGE', KEYS[2], 0, tonumber(ARGV[1]) - 1)
local out = {}
for i, id in ipairs(ids) do
  out[2 * i - 1] = id
  out[2 * i] = redis.call('HGET', KEYS[1], id)
end
return out`);

/** KEYS items, order, seq; ARGV id. 1 when removed. An emptied queue leaves no key behind. */
export const DEQUEUE = script(`
redis.call('ZREM', KEYS[2], ARGV[1])
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('DEL', KEYS[3]) end
return removed`);
