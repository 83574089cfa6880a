import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { RIPTIDE_QUEUE_NAME } from '@riptide/queue';
import { withRedisDeadline } from '@riptide/redis';
import { WebhookKeys } from '../redis/webhook-keys';
import { ResolvedWebhooksOptions } from '../webhooks-options.interface';
import {
  RESOLVED_WEBHOOKS_OPTIONS,
  WEBHOOKS_REDIS,
  WEBHOOK_SECRET_BYTES,
  WEBHOOK_SECRET_PREFIX,
} from '../webhooks.constants';

/** A rotation's outcome: the new secret, and until when the one it replaced still signs. */
export interface RotatedSecret {
  secret: string;
  /** Null when the tenant had no secret before. */
  previousValidUntil: Date | null;
}

const newSecret = (): string =>
  WEBHOOK_SECRET_PREFIX + randomBytes(WEBHOOK_SECRET_BYTES).toString('base64url');

/**
 * Creation, rotation and lookup in one step each, so two API processes never create two secrets
 * for one tenant. KEYS: the tenant's secret hash. ARGV: candidate secret, now (ms), overlap (ms).
 */
const ENSURE = `
local current = redis.call("HGET", KEYS[1], "current")
if current then return {0, current} end
redis.call("HSET", KEYS[1], "current", ARGV[1])
return {1, ARGV[1]}
`;
const ROTATE = `
local current = redis.call("HGET", KEYS[1], "current")
redis.call("HSET", KEYS[1], "current", ARGV[1])
if not current then
  redis.call("HDEL", KEYS[1], "previous", "previous_until")
  return ""
end
local untilMs = tonumber(ARGV[2]) + tonumber(ARGV[3])
redis.call("HSET", KEYS[1], "previous", current, "previous_until", tostring(untilMs))
return tostring(untilMs)
`;

/**
 * Each tenant's webhook signing secret (`whsec_` + 32 random bytes, base64url), created on first
 * need and rotatable: after a rotation the previous secret signs too, for
 * `secretOverlapSecs`, so receivers can switch without losing a delivery. The secret is kept
 * readable in Redis (an HMAC key must be), like any credential the service itself uses.
 */
@Injectable()
export class WebhookSecrets {
  private readonly keys: WebhookKeys;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    @Inject(WEBHOOKS_REDIS) private readonly redis: Redis,
  ) {
    this.keys = new WebhookKeys(options.prefix, RIPTIDE_QUEUE_NAME);
  }

  /** The tenant's secret; `created` when this call made it (the only time to show it). */
  async ensure(tenant: string): Promise<{ secret: string; created: boolean }> {
    const [created, secret] = (await this.guard(() =>
      this.redis.eval(ENSURE, 1, this.keys.secret(tenant), newSecret()),
    )) as [number, string];
    return { secret, created: created === 1 };
  }

  /** Replaces the tenant's secret (creating one if it had none); the old one signs until `previousValidUntil`. */
  async rotate(tenant: string, now = Date.now()): Promise<RotatedSecret> {
    const secret = newSecret();
    const until = (await this.guard(() =>
      this.redis.eval(
        ROTATE,
        1,
        this.keys.secret(tenant),
        secret,
        now,
        this.options.secretOverlapSecs * 1000,
      ),
    )) as string;
    return { secret, previousValidUntil: until ? new Date(Number(until)) : null };
  }

  /** The secrets that sign a delivery now: the current one, then the previous one within its overlap. */
  async signingSecrets(tenant: string, now = Date.now()): Promise<string[]> {
    const [current, previous, until] = await this.redis.hmget(
      this.keys.secret(tenant),
      'current',
      'previous',
      'previous_until',
    );
    const secrets: string[] = [];
    if (current) secrets.push(current);
    if (previous && Number(until) > now) secrets.push(previous);
    return secrets;
  }

  private guard<T>(operation: () => Promise<T>): Promise<T> {
    return withRedisDeadline(this.redis, this.options.commandTimeoutMs, operation);
  }
}
