import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { QUEUE_REDIS, RESOLVED_QUEUE_OPTIONS, ResolvedQueueOptions } from '@riptide/queue';
import { evictionWarning, readRedisMemory, withRedisDeadline } from '@riptide/redis';
import type Redis from 'ioredis';

/**
 * Warns once at boot when the Redis in use may evict keys (an external Redis configured with a
 * policy other than `noeviction`): jobs, locks and indexes would vanish silently under pressure.
 */
@Injectable()
export class RedisEvictionWarning implements OnApplicationBootstrap {
  private readonly logger = new Logger('RedisMemory');

  constructor(
    @Inject(QUEUE_REDIS) private readonly redis: Redis,
    @Inject(RESOLVED_QUEUE_OPTIONS) private readonly options: ResolvedQueueOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Unreachable, or INFO refused by a proxy: the boot goes on, and /health says what it can.
    const memory = await withRedisDeadline(this.redis, this.options.commandTimeoutMs, () =>
      readRedisMemory(this.redis),
    ).catch(() => null);
    const warning = memory && evictionWarning(memory);
    if (warning) this.logger.warn(warning);
  }
}
