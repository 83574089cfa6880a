import { Inject, Injectable } from '@nestjs/common';
import { QUEUE_REDIS, RESOLVED_QUEUE_OPTIONS, ResolvedQueueOptions } from '@riptide/queue';
import { withRedisDeadline } from '@riptide/redis';
import type Redis from 'ioredis';

/**
 * An Idempotency-Key's record: reserved while the first request runs (its holder rewrites `beat`
 * every second, so that waiters can tell a live holder from one that stopped), then its answer.
 */
export type IdempotencyRecord =
  | { state: 'pending'; fingerprint: string; owner: string; beat?: number }
  | { state: 'done'; fingerprint: string; body: unknown };

/** A reservation: the record while the first request runs. */
export type PendingIdempotencyRecord = Extract<IdempotencyRecord, { state: 'pending' }>;

/** KEYS record. ARGV pending JSON, pending TTL ms. The record already there, or nil once reserved. */
const RESERVE = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;

// The reservation in the record JSON `existing` if `owner` holds it, else nil (Lua, shared below).
const HELD_BY = `
local function heldBy(existing, owner)
  if not existing then return nil end
  local ok, record = pcall(cjson.decode, existing)
  if ok and type(record) == 'table' and record.state == 'pending' and record.owner == owner then return record end
  return nil
end`;

/** KEYS record. ARGV owner. Drops a reservation only if it is still that owner's. */
const RELEASE = `${HELD_BY}
if heldBy(redis.call('GET', KEYS[1]), ARGV[1]) then redis.call('DEL', KEYS[1]) end
return 1`;

/** KEYS record. ARGV owner, its pending JSON with a new beat, TTL ms. Renews a reservation still the owner's. */
const BEAT = `${HELD_BY}
if heldBy(redis.call('GET', KEYS[1]), ARGV[1]) then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`;

/**
 * KEYS record. ARGV the owner and beat ("" for none) of the reservation to take over, the new
 * pending JSON, its TTL ms. Replaces that reservation exactly as it was seen (or one that has
 * lapsed); returns the record there otherwise (the answer, a renewed or another request's
 * reservation), nil once taken.
 */
const TAKE_OVER = `${HELD_BY}
local existing = redis.call('GET', KEYS[1])
if existing then
  local record = heldBy(existing, ARGV[1])
  if not record or tostring(record.beat or "") ~= ARGV[2] then return existing end
end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
return false`;

type IdempotencyRedis = Redis & {
  idemReserve(key: string, pending: string, ttlMs: number): Promise<string | null>;
  idemRelease(key: string, owner: string): Promise<number>;
  idemBeat(key: string, owner: string, pending: string, ttlMs: number): Promise<number>;
  idemTakeOver(
    key: string,
    owner: string,
    beat: string,
    pending: string,
    ttlMs: number,
  ): Promise<string | null>;
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
      redis.defineCommand('idemBeat', { numberOfKeys: 1, lua: BEAT });
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
    return this.recordLeft(() =>
      this.redis.idemReserve(recordKey, JSON.stringify(pending), pendingTtlMs),
    );
  }

  /**
   * Takes over `stale`, a reservation as this request last saw it, for this request; returns the
   * record found instead when it has been renewed, answered or taken by another meanwhile.
   */
  takeOver(
    recordKey: string,
    stale: PendingIdempotencyRecord,
    pending: IdempotencyRecord,
    pendingTtlMs: number,
  ): Promise<IdempotencyRecord | null> {
    return this.recordLeft(() =>
      this.redis.idemTakeOver(
        recordKey,
        stale.owner,
        stale.beat === undefined ? '' : String(stale.beat),
        JSON.stringify(pending),
        pendingTtlMs,
      ),
    );
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
  async release(recordKey: string, owner: string): Promise<void> {
    await this.guard(() => this.redis.idemRelease(recordKey, owner));
  }

  /** Renews a reservation (its new beat and TTL) while it is still `pending.owner`'s. */
  async beat(
    recordKey: string,
    pending: PendingIdempotencyRecord,
    pendingTtlMs: number,
  ): Promise<void> {
    await this.guard(() =>
      this.redis.idemBeat(recordKey, pending.owner, JSON.stringify(pending), pendingTtlMs),
    );
  }

  /** Runs a claim script, which answers the record it found in the way (JSON) or nil. */
  private recordLeft(claim: () => Promise<string | null>): Promise<IdempotencyRecord | null> {
    return this.guard(async () => {
      const existing = await claim();
      return existing ? (JSON.parse(existing) as IdempotencyRecord) : null;
    });
  }

  private guard<T>(operation: () => Promise<T>): Promise<T> {
    return withRedisDeadline(this.redis, this.options.commandTimeoutMs, operation);
  }
}
