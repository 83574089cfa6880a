import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import {
  QUEUE_REDIS,
  QueueService,
  RESOLVED_QUEUE_OPTIONS,
  ResolvedQueueOptions,
  evictionWarning,
  memoryUsedFraction,
  readRedisMemory,
  withRedisDeadline,
} from '@riptide/queue';
import type Redis from 'ioredis';
import { MetricsMessages } from '../metrics.messages';

/**
 * Share of `maxmemory` from which the indicator warns. A write is refused once it would cross the
 * limit, so a Redis refusing large submissions can read a little under 100% between them.
 */
const NEARLY_FULL = 0.9;

/**
 * Redis answers a PING on the queue's own connection within the command deadline. Its details
 * carry the `maxmemory_policy`, an `eviction` warning when that policy may drop keys, and a
 * `memory` warning when Redis is (nearly) full; those stay "up" (reads still work) but need an operator.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly queue: QueueService,
    @Inject(QUEUE_REDIS) private readonly redis: Redis,
    @Inject(RESOLVED_QUEUE_OPTIONS) private readonly options: ResolvedQueueOptions,
  ) {}

  async isHealthy<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    try {
      await this.queue.ping();
    } catch {
      // Never the error itself: it may carry the Redis address.
      return indicator.down({ message: MetricsMessages.redisUnreachable });
    }
    // A Redis (or proxy) that refuses INFO is still up; it just says nothing about its memory.
    const memory = await withRedisDeadline(this.redis, this.options.commandTimeoutMs, () => readRedisMemory(this.redis)).catch(() => null);
    if (!memory) return indicator.up();
    const eviction = evictionWarning(memory);
    const used = memoryUsedFraction(memory);
    return indicator.up({
      maxmemory_policy: memory.maxmemoryPolicy,
      ...(eviction ? { eviction } : {}),
      ...(used !== null && used >= NEARLY_FULL ? { memory: MetricsMessages.redisNearlyFull(Math.round(used * 100)) } : {}),
    });
  }
}
