import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RESOLVED_METRICS_OPTIONS } from '../metrics.constants';
import { MetricsMessages } from '../metrics.messages';
import { ResolvedMetricsOptions } from '../metrics-options.interface';

/**
 * Asks the scheduler (the `scheduler` option, a SchedulerHealthProbe) whether it is healthy;
 * without one the indicator is up and says "not configured".
 */
@Injectable()
export class SchedulerHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(RESOLVED_METRICS_OPTIONS) private readonly options: ResolvedMetricsOptions,
  ) {}

  async isHealthy<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    const probe = this.options.scheduler;
    if (!probe) return indicator.up({ message: MetricsMessages.schedulerNotConfigured });
    const report = await probe
      .checkHealth()
      .catch(() => ({ healthy: false, details: { message: MetricsMessages.schedulerUnhealthy } }));
    const details: Record<string, string | number | boolean | null> = { ...(report.details ?? {}) };
    delete details['status'];
    return report.healthy
      ? indicator.up(details)
      : indicator.down({ message: MetricsMessages.schedulerUnhealthy, ...details });
  }
}
