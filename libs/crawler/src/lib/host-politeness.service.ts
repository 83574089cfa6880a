import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sleep } from './abort.util';
import { MAX_HOST_DEFERRAL_MS } from './crawler.constants';
import { keyHash, RedisScript } from './redis-script.util';

/**
 * Takes a slot on a host when one is free and the host's gap and "not before" time have
 * passed. Leases expire on their own (score = expiry time), so a crashed process cannot hold
 * a slot forever. Time comes from the Redis server so all processes share one clock.
 * Returns 0 when acquired, else the suggested wait in ms (-1: wait for a free slot).
 */
const ACQUIRE = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[2])
local gap = tonumber(ARGV[3])
local leaseMs = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local last = tonumber(redis.call('HGET', KEYS[2], 'last') or '0')
local notBefore = tonumber(redis.call('HGET', KEYS[2], 'notBefore') or '0')
local ready = math.max(last + gap, notBefore)
if now < ready then return ready - now end
if redis.call('ZCARD', KEYS[1]) >= limit then return -1 end
redis.call('ZADD', KEYS[1], now + leaseMs, ARGV[1])
if redis.call('PTTL', KEYS[1]) < leaseMs + 1000 then redis.call('PEXPIRE', KEYS[1], leaseMs + 1000) end
redis.call('HSET', KEYS[2], 'last', now)
redis.call('PEXPIRE', KEYS[2], math.max(gap, notBefore - now, 0) + 60000)
return 0
`);

/** Pushes the host's "not before" time out (never in): Retry-After from any process applies to all. */
const DEFER = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'notBefore') or '0')
if until_ > current then redis.call('HSET', KEYS[1], 'notBefore', until_) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) + 60000 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 60000) end
return until_
`);

/** Options of {@link HostPoliteness}. */
export interface HostPolitenessOptions {
  redis: Redis;
  keyPrefix: string;
  /** Requests in flight per host. */
  concurrency: number;
  /** Minimum gap between request starts on a host, ms. */
  minGapMs: number;
  /** Poll interval while a host is saturated, ms. Default 15. */
  pollMs?: number;
}

/** A held slot on a host. */
export interface HostLease {
  release(): Promise<void>;
}

/**
 * Per-host concurrency and request spacing shared by every process through Redis: a lease
 * semaphore plus "last start" and "not before" times, updated atomically by Lua scripts.
 */
export class HostPoliteness {
  private readonly pollMs: number;

  constructor(private readonly options: HostPolitenessOptions) {
    this.pollMs = options.pollMs ?? 15;
  }

  /**
   * Waits for a slot on `hostname` (honouring `signal`) and returns it. `gapMs` overrides the
   * configured gap when larger (robots.txt Crawl-delay); `leaseMs` bounds how long the slot
   * can be held if this process dies.
   */
  async acquire(
    hostname: string,
    options: { gapMs?: number; leaseMs: number; signal: AbortSignal },
  ): Promise<HostLease> {
    const keys = this.keys(hostname);
    const id = randomUUID();
    const gap = Math.max(this.options.minGapMs, options.gapMs ?? 0);
    for (;;) {
      const wait = Number(
        await ACQUIRE.run(this.options.redis, keys, [
          id,
          this.options.concurrency,
          gap,
          options.leaseMs,
        ]),
      );
      if (wait === 0) break;
      // Jitter spreads waiters of many processes so they do not retry in lock-step.
      const delay = wait > 0 ? wait : this.pollMs;
      await sleep(delay + Math.floor(Math.random() * this.pollMs), options.signal);
    }
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        await this.options.redis.zrem(keys[0], id);
      },
    };
  }

  /** Makes every process wait `delayMs` before the next request to `hostname` (Retry-After). */
  async defer(hostname: string, delayMs: number): Promise<void> {
    const bounded = Math.max(0, Math.min(Math.ceil(delayMs), MAX_HOST_DEFERRAL_MS));
    await DEFER.run(this.options.redis, [this.keys(hostname)[1]], [bounded]);
  }

  private keys(hostname: string): [string, string] {
    // The hash tag keeps both keys in one Redis Cluster slot, as the scripts need.
    const tag = `{host:${keyHash(hostname.toLowerCase())}}`;
    return [`${this.options.keyPrefix}${tag}:leases`, `${this.options.keyPrefix}${tag}:state`];
  }
}
