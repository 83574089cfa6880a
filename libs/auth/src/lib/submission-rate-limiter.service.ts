import { Inject, Injectable } from '@nestjs/common';
import { withRedisDeadline } from '@riptide/redis';
import { ResolvedAuthOptions } from './auth-options.interface';
import { AUTH_REDIS, RESOLVED_AUTH_OPTIONS } from './auth.constants';
import { Principal, limitsOf } from './principal.interface';
import { ScriptedAuthRedis } from './redis/auth-scripts';
import { defineRateLimitScript } from './redis/rate-limit-script';
import { RateLease, leaseSize } from './rate-lease';

/** Leases kept before the spent ones are dropped. */
const MAX_REMEMBERED_LEASES = 1000;

/** The outcome of taking tokens, with what the `RateLimit-*` and `Retry-After` headers say. */
export interface RateLimitDecision {
  /** Submissions allowed now (all asked for, or for a bulk as many as the budget holds). */
  granted: number;
  /** `RateLimit-Limit`: the burst. */
  limit: number;
  /** `RateLimit-Remaining`. */
  remaining: number;
  /** `RateLimit-Reset`: seconds until the bucket is full again. */
  resetSecs: number;
  /** `Retry-After` when something was refused: seconds until it would be allowed. */
  retryAfterSecs: number;
}

/**
 * Each key's submission budget: a token bucket in Redis (one atomic script, on Redis's clock), so
 * every API process spends the same budget. A single submission spends a token this process
 * leased from the bucket when it holds one, so that a busy key costs a round trip per lease, not
 * per submission (rate-lease.ts says what that changes, and its bounds). The admin (and open mode)
 * is exempt.
 */
@Injectable()
export class SubmissionRateLimiter {
  private readonly redis;
  private readonly leases = new Map<string, RateLease>();
  /** A lease being taken, per key: the submissions that find the lease empty meanwhile wait for it. */
  private readonly renewals = new Map<string, Promise<RateLimitDecision | null>>();

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(AUTH_REDIS) redis: ScriptedAuthRedis,
  ) {
    this.redis = defineRateLimitScript(redis);
  }

  /**
   * Takes `count` submissions from the caller's budget: all or none, or with `partial` as many as
   * there are. Null for a caller without a budget (the admin).
   */
  async take(caller: Principal, count: number, partial = false): Promise<RateLimitDecision | null> {
    if (caller.admin || caller.keyId === null) return null;
    const { rateLimitPerSec, burst } = limitsOf(caller, this.options.defaults);
    const size = leaseSize(rateLimitPerSec, burst);
    if (count !== 1 || partial || size === 1)
      return this.fromBucket(caller.keyId, rateLimitPerSec, burst, count, partial);
    return this.takeLeased(caller.keyId, rateLimitPerSec, burst, size);
  }

  /** One submission, from this process's lease of the key's tokens, renewed when it runs out. */
  private async takeLeased(
    keyId: string,
    rateLimitPerSec: number,
    burst: number,
    size: number,
  ): Promise<RateLimitDecision> {
    for (;;) {
      const spent = this.leases.get(keyId)?.spend(Date.now());
      if (spent)
        return {
          granted: 1,
          limit: burst,
          remaining: spent.remaining,
          resetSecs: spent.resetSecs,
          retryAfterSecs: 1,
        };
      let renewal = this.renewals.get(keyId);
      if (!renewal) {
        renewal = this.renewLease(keyId, rateLimitPerSec, burst, size).finally(() =>
          this.renewals.delete(keyId),
        );
        this.renewals.set(keyId, renewal);
      }
      // An empty bucket refuses every submission waiting for this lease with the same answer.
      const refused = await renewal;
      if (refused) return refused;
    }
  }

  /** Takes up to `size` tokens into the key's lease. Resolves to the refusal when there was none. */
  private async renewLease(
    keyId: string,
    rateLimitPerSec: number,
    burst: number,
    size: number,
  ): Promise<RateLimitDecision | null> {
    const decision = await this.fromBucket(keyId, rateLimitPerSec, burst, size, true, 1);
    if (decision.granted === 0) return decision;
    const now = Date.now();
    let lease = this.leases.get(keyId);
    if (!lease) {
      this.forgetSpentLeases(now);
      lease = new RateLease();
      this.leases.set(keyId, lease);
    }
    lease.renew(decision.granted, now, {
      remaining: decision.remaining,
      resetSecs: decision.resetSecs,
    });
    return null;
  }

  /** Keeps the map from growing with every key ever seen: spent leases are dropped past a size. */
  private forgetSpentLeases(now: number): void {
    if (this.leases.size < MAX_REMEMBERED_LEASES) return;
    for (const [keyId, lease] of this.leases) if (lease.spent(now)) this.leases.delete(keyId);
  }

  private async fromBucket(
    keyId: string,
    rateLimitPerSec: number,
    burst: number,
    count: number,
    partial: boolean,
    waitFor?: number,
  ): Promise<RateLimitDecision> {
    const bucket = `${this.options.prefix}:auth:bucket:${keyId}`;
    const args = [bucket, rateLimitPerSec, burst, count, partial ? '1' : '0'] as const;
    const [granted, remaining, retryInMs, fullInMs] = await withRedisDeadline(
      this.redis,
      this.options.commandTimeoutMs,
      () =>
        waitFor === undefined
          ? this.redis.authTakeTokens(...args)
          : this.redis.authTakeTokens(...args, waitFor),
    );
    return {
      granted,
      limit: burst,
      remaining,
      resetSecs: Math.ceil(fullInMs / 1000),
      retryAfterSecs: Math.max(1, Math.ceil(retryInMs / 1000)),
    };
  }
}
