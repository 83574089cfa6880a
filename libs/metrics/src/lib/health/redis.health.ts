import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { QueueService } from '@riptide/queue';
import { MetricsMessages } from '../metrics.messages';

/** Redis answers a PING on the queue's own connection within the command deadline. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly queue: QueueService,
  ) {}

  async isHealthy<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    try {
      await this.queue.ping();
      return indicator.up();
    } catch {
      // Never the error itself: it may carry the Redis address.
      return indicator.down({ message: MetricsMessages.redisUnreachable });
    }
  }
}
