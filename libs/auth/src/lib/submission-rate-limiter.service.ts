import { Inject, Injectable } from '@nestjs/common';
import { withRedisDeadline } from '@riptide/redis';
import { ResolvedAuthOptions } from './auth-options.interface';
import { AUTH_REDIS, RESOLVED_AUTH_OPTIONS } from './auth.constants';
import { Principal, limitsOf } from './principal.interface';
import { ScriptedAuthRedis } from './redis/auth-scripts';
import { defineRateLimitScript } from './redis/rate-limit-script';

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
 * Each key's submission budget: a token bucket in Redis (one atomic script per request, on
 * Redis's clock), so every API process spends the same budget. The admin (and open mode) is exempt.
 */
@Injectable()
export class SubmissionRateLimiter {
  private readonly redis;

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
    const bucket = `${this.options.prefix}:auth:bucket:${caller.keyId}`;
    const [granted, remaining, retryInMs, fullInMs] = await withRedisDeadline(
      this.redis,
      this.options.commandTimeoutMs,
      () => this.redis.authTakeTokens(bucket, rateLimitPerSec, burst, count, partial ? '1' : '0'),
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
