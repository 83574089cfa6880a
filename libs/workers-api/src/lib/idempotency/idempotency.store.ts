import { Inject, Injectable } from '@nestjs/common';
import { QUEUE_REDIS, RESOLVED_QUEUE_OPTIONS, ResolvedQueueOptions } from '@riptide/queue';
import { withRedisDeadline } from '@riptide/redis';
import type Redis from 'ioredis';

/** An Idempotency-Key's record: reserved while the first request runs, then its answer. */
export type IdempotencyRecord =
  | { state: 'pending'; fingerprint: string; owner: string }
  | { state: 'done'; fingerprint: string; body: unknown };

/** KEYS record. ARGV pending JSON, pending TTL ms. The record already there, or nil once reserved. */
const RESERVE = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;

/** KEYS record. ARGV the pending JSON it must still hold. Drops a reservation only if it is still ours. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

/**
 * KEYS record. ARGV the owner of the reservation to take over, the new pending JSON, its TTL ms.
 * Replaces a reservation that the owner still holds (or that has lapsed); returns the record
 * there otherwise (the answer, or another request's reservation), nil once taken.
 */
const TAKE_OVER = `
local existing = redis.call('GET', KEYS[1])
if existing then
  local ok, record = pcall(cjson.decode, existing)
  if not (ok and type(record) == 'table' and record.state == 'pending' and record.owner == ARGV[1]) then
    return existing
  end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return false`;

type IdempotencyRedis = Redis & {
  idemReserve(key: string, pending: string, ttlMs: number): Promise<string | null>;
  idemRelease(key: string, pending: string): Promise<number>;
  idemTakeOver(key: string, owner: string, pending: string, ttlMs: number): Promise<string | null>;
};

/**
 * Idempotency records in Redis, one per tenant and key (the key is hashed: no client string in a
 * Redis key). Reserving is one atomic step, so of concurrent identical requests exactly one runs.
 */
@Injectable()
export class IdempotencyStore {
  private readonly redis: IdempotencyRedis;

  constructor(
    @Inject(QUEUE_REDIS) redis: Redis,
    @Inject(RESOLVED_QUEUE_OPTIONS) private readonly options: ResolvedQueueOptions,
  ) {
    if (!('idemReserve' in redis)) {
      redis.defineCommand('idemReserve', { numberOfKeys: 1, lua: RESERVE });
      redis.defineCommand('idemRelease', { numberOfKeys: 1, lua: RELEASE });
      redis.defineCommand('idemTakeOver', { numberOfKeys: 1, lua: TAKE_OVER });
    }
    this.redis = redis as IdempotencyRedis;
  }

  recordKey(tenant: string, keyHash: string): string {
    return `${this.options.prefix}:idem:${tenant}:${keyHash}`;
  }

  /** Reserves the key for this request, or returns the record another request left. */
  reserve(
    recordKey: string,
    pending: IdempotencyRecord,
    pendingTtlMs: number,
  ): Promise<IdempotencyRecord | null> {
    return this.guard(async () => {
      const existing = await this.redis.idemReserve(
        recordKey,
        JSON.stringify(pending),
        pendingTtlMs,
      );
      return existing ? (JSON.parse(existing) as IdempotencyRecord) : null;
    });
  }

  /**
   * Takes over the reservation `owner` holds, for this request; returns the record found instead
   * when the reservation has changed hands or been answered meanwhile.
   */
  takeOver(
    recordKey: string,
    owner: string,
    pending: IdempotencyRecord,
    pendingTtlMs: number,
  ): Promise<IdempotencyRecord | null> {
    return this.guard(async () => {
      const existing = await this.redis.idemTakeOver(
        recordKey,
        owner,
        JSON.stringify(pending),
        pendingTtlMs,
      );
      return existing ? (JSON.parse(existing) as IdempotencyRecord) : null;
    });
  }

  read(recordKey: string): Promise<IdempotencyRecord | null> {
    return this.guard(async () => {
      const raw = await this.redis.get(recordKey);
      return raw ? (JSON.parse(raw) as IdempotencyRecord) : null;
    });
  }

  /** Keeps the first answer for `ttlSecs`. */
  async complete(recordKey: string, record: IdempotencyRecord, ttlSecs: number): Promise<void> {
    await this.guard(() => this.redis.set(recordKey, JSON.stringify(record), 'EX', ttlSecs));
  }

  /** Gives a reservation up (the request failed), so a retry runs again. */
  async release(recordKey: string, pending: IdempotencyRecord): Promise<void> {
    await this.guard(() => this.redis.idemRelease(recordKey, JSON.stringify(pending)));
  }

  private guard<T>(operation: () => Promise<T>): Promise<T> {
    return withRedisDeadline(this.redis, this.options.commandTimeoutMs, operation);
  }
}
