import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { MetricsStore } from '../metrics-store.service';
import { RESOLVED_METRICS_OPTIONS } from '../metrics.constants';
import { MetricsMessages } from '../metrics.messages';
import { ResolvedMetricsOptions } from '../metrics-options.interface';

/**
 * Catches the silent stall: jobs are waiting, yet no worker anywhere has started a job for
 * `queueStallAfterMs` (measured from the later of the last start and the moment the job next in
 * line became ready, so a queue that just received work is not called stalled).
 */
@Injectable()
export class QueueHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly store: MetricsStore,
    @Inject(RESOLVED_METRICS_OPTIONS) private readonly options: ResolvedMetricsOptions,
  ) {}

  async isHealthy<const Key extends string>(
    key: Key,
    now = Date.now(),
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    const activity = await this.store.activity().catch(() => null);
    if (!activity) return indicator.down({ message: MetricsMessages.redisUnreachable });
    const { waiting, nextReadyAt, lastStartedAt } = activity;
    if (waiting === 0) return indicator.up({ waiting });
    const idleMs = now - Math.max(lastStartedAt ?? 0, nextReadyAt ?? 0);
    if (idleMs > this.options.queueStallAfterMs)
      return indicator.down({
        message: MetricsMessages.queueStalled(
          waiting,
          Math.round(this.options.queueStallAfterMs / 1000),
        ),
        waiting,
      });
    return indicator.up({ waiting });
  }
}
