import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import {
  QUEUE_REDIS,
  QueueService,
  RESOLVED_QUEUE_OPTIONS,
  ResolvedQueueOptions,
} from '@riptide/queue';
import {
  RedisCannotPersistError,
  evictionWarning,
  isCannotPersistError,
  memoryUsedFraction,
  readRedisMemory,
  withRedisDeadline,
} from '@riptide/redis';
import type Redis from 'ioredis';
import { RESOLVED_METRICS_OPTIONS } from '../metrics.constants';
import { MetricsMessages } from '../metrics.messages';
import { ResolvedMetricsOptions } from '../metrics-options.interface';

/**
 * Share of `maxmemory` from which the indicator warns. A write is refused once it would cross the
 * limit, so a Redis refusing large submissions can read a little under 100% between them.
 */
const NEARLY_FULL = 0.9;
/** A disk Redis cannot write to is logged once per this long while it lasts, not at every probe. */
const CANNOT_PERSIST_LOG_EVERY_MS = 60_000;

/**
 * Redis answers a PING on the queue's own connection within the command deadline. Its details
 * carry the `maxmemory_policy`, an `eviction` warning when that policy may drop keys, and a
 * `memory` warning when Redis is (nearly) full; those stay "up" (reads still work) but need an operator.
 * Where the host runs its own redis-server, `embedded_server` says whether it runs and how often it
 * had to be restarted, so a crash-looping server is seen even while each restart brings it back.
 */
@Injectable()
export class RedisHealthIndicator {
  private readonly logger = new Logger('RedisHealth');
  private cannotPersistLoggedAt = 0;
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly queue: QueueService,
    @Inject(QUEUE_REDIS) private readonly redis: Redis,
    @Inject(RESOLVED_QUEUE_OPTIONS) private readonly options: ResolvedQueueOptions,
    @Inject(RESOLVED_METRICS_OPTIONS) private readonly metricsOptions: ResolvedMetricsOptions,
  ) {}

  private logCannotPersist(): void {
    if (Date.now() - this.cannotPersistLoggedAt < CANNOT_PERSIST_LOG_EVERY_MS) return;
    this.cannotPersistLoggedAt = Date.now();
    this.logger.error(
      `${MetricsMessages.redisCannotPersist}: free space in (or make writable) the Redis data folder; accepted jobs are kept and new submissions get 503 until then`,
    );
  }

  private embeddedServer(): Record<string, unknown> {
    const probe = this.metricsOptions.embeddedRedis;
    if (!probe) return {};
    const { running, restarts, lastRestartAt } = probe.status();
    return {
      embedded_server: { running, restarts, last_restart_at: lastRestartAt?.toISOString() ?? null },
    };
  }

  async isHealthy<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    try {
      await this.queue.ping();
    } catch (error) {
      // Never the error itself: it may carry the Redis address.
      if (isCannotPersistError(error) || error instanceof RedisCannotPersistError) {
        this.logCannotPersist();
        return indicator.down({
          message: MetricsMessages.redisCannotPersist,
          ...this.embeddedServer(),
        });
      }
      return indicator.down({
        message: MetricsMessages.redisUnreachable,
        ...this.embeddedServer(),
      });
    }
    // A Redis (or proxy) that refuses INFO is still up; it just says nothing about its memory.
    const memory = await withRedisDeadline(this.redis, this.options.commandTimeoutMs, () =>
      readRedisMemory(this.redis),
    ).catch(() => null);
    if (!memory) return indicator.up(this.embeddedServer());
    const eviction = evictionWarning(memory);
    const used = memoryUsedFraction(memory);
    return indicator.up({
      ...this.embeddedServer(),
      maxmemory_policy: memory.maxmemoryPolicy,
      ...(eviction ? { eviction } : {}),
      ...(used !== null && used >= NEARLY_FULL
        ? { memory: MetricsMessages.redisNearlyFull(Math.round(used * 100)) }
        : {}),
    });
  }
}
