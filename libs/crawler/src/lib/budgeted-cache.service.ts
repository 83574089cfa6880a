import type { Redis } from 'ioredis';
import { storeFailureOf } from './error-kind.util';
import { RedisScript } from './redis-script.util';

/*
 * Bookkeeping of a budgeted cache, beside its entries:
 *   <book>index  sorted set: entry key → expiry (epoch ms, Redis's clock)
 *   <book>sizes  hash: entry key → bytes of its value
 *   <book>bytes  sum of `sizes` over the index
 * Scored by expiry, the index tells which entries have expired (forgotten, so the sum never drifts
 * upward) and which will soonest (dropped first when a write needs room: the oldest for one TTL).
 * Entries are named by the index, not passed as KEYS: a single-node Redis is assumed, as by bull.
 */

/**
 * Stores one entry and keeps the values within the budget, atomically.
 * KEYS: entry, index, sizes, bytes. ARGV: value, ttl secs, budget bytes.
 * Returns 1 when stored, 0 when the value alone is larger than the budget.
 */
const WRITE = new RedisScript(`
local size = string.len(ARGV[1])
local budget = tonumber(ARGV[3])
if size > budget then return 0 end
-- The first write of the script: a full Redis refuses it here, before anything has changed.
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local stored = redis.call('GET', KEYS[4])
local bytes = 0
if stored then
  bytes = tonumber(stored)
else
  -- The sum was lost (deleted or evicted): count it again once.
  for _, v in ipairs(redis.call('HVALS', KEYS[3])) do bytes = bytes + tonumber(v) end
end
local function forget(member)
  bytes = bytes - tonumber(redis.call('HGET', KEYS[3], member) or '0')
  redis.call('HDEL', KEYS[3], member)
  redis.call('ZREM', KEYS[2], member)
end
-- Entries past their expiry no longer exist; a bounded batch per write keeps the script short.
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 64)) do
  if member ~= KEYS[1] then forget(member) end
end
forget(KEYS[1])
bytes = bytes + size
redis.call('HSET', KEYS[3], KEYS[1], size)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]) * 1000, KEYS[1])
while bytes > budget do
  local first = redis.call('ZRANGE', KEYS[2], 0, 1)
  local victim = first[1]
  if victim == KEYS[1] then victim = first[2] end
  if not victim then
    -- Only the new entry is left, yet the sum says more: it had drifted; the truth is known now.
    bytes = size
    break
  end
  redis.call('DEL', victim)
  forget(victim)
end
redis.call('SET', KEYS[4], math.max(bytes, 0))
return 1
`);

/**
 * Drops the entries nearest to expiry until ARGV[1] bytes are freed (or none is left): how the
 * cache gives way when Redis is full. KEYS: index, sizes, bytes. Returns the entries dropped.
 * Deletions are allowed in a full Redis; the one write that is not (SET of the sum) comes after
 * them, which a script that has already written may do.
 */
const GIVE_WAY = new RedisScript(`
local want = tonumber(ARGV[1])
local freed = 0
local dropped = 0
while freed < want do
  local victim = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if not victim then break end
  redis.call('DEL', victim)
  freed = freed + tonumber(redis.call('HGET', KEYS[2], victim) or '0')
  redis.call('HDEL', KEYS[2], victim)
  redis.call('ZREM', KEYS[1], victim)
  dropped = dropped + 1
end
if dropped > 0 then
  redis.call('SET', KEYS[3], math.max(tonumber(redis.call('GET', KEYS[3]) or '0') - freed, 0))
end
return dropped
`);

/** Options of {@link BudgetedCache}. */
export interface BudgetedCacheOptions {
  redis: Redis;
  /** Prefix of the bookkeeping keys (`index`, `sizes`, `bytes` are appended). */
  bookPrefix: string;
  /** Most bytes of values kept at once; 0 keeps nothing. */
  maxBytes: number;
}

/** What a budgeted cache holds, as its bookkeeping counts it. */
export interface BudgetedCacheUsage {
  bytes: number;
  entries: number;
}

/**
 * String values in Redis with a TTL each and a byte budget for all of them together: a write
 * that would go over it first drops the entries nearest to expiry. When Redis is full the cache
 * gives way: the write is skipped and as many bytes of old entries are freed for the queue.
 */
export class BudgetedCache {
  private readonly keys: { index: string; sizes: string; bytes: string };

  constructor(private readonly options: BudgetedCacheOptions) {
    const book = options.bookPrefix;
    this.keys = { index: `${book}index`, sizes: `${book}sizes`, bytes: `${book}bytes` };
  }

  /**
   * Stores `value` under `key` for `ttlSecs`. Resolves false when it was not stored: larger than
   * the whole budget, or refused by a full Redis. Any other Redis failure rejects.
   */
  async set(key: string, value: string, ttlSecs: number): Promise<boolean> {
    const { index, sizes, bytes } = this.keys;
    try {
      return (
        (await WRITE.run(
          this.options.redis,
          [key, index, sizes, bytes],
          [value, ttlSecs, this.options.maxBytes],
        )) === 1
      );
    } catch (error) {
      if (storeFailureOf(error) !== 'out_of_memory') throw error;
      await GIVE_WAY.run(
        this.options.redis,
        [index, sizes, bytes],
        [Buffer.byteLength(value)],
      ).catch(() => undefined);
      return false;
    }
  }

  /** The bytes and entries accounted now (expired ones included until the next write forgets them). */
  async usage(): Promise<BudgetedCacheUsage> {
    const [bytes, entries] = await Promise.all([
      this.options.redis.get(this.keys.bytes),
      this.options.redis.zcard(this.keys.index),
    ]);
    return { bytes: Number(bytes ?? 0), entries };
  }
}
