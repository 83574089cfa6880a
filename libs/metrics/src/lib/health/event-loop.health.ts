import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RESOLVED_METRICS_OPTIONS } from '../metrics.constants';
import { MetricsMessages } from '../metrics.messages';
import { ResolvedMetricsOptions } from '../metrics-options.interface';

const SAMPLE_EVERY_MS = 20;

/**
 * Liveness: the longest event-loop delay seen since the previous probe stays under
 * `eventLoopDelayThresholdMs`. A process stuck in synchronous work fails it; Redis does not
 * matter here (a Redis outage must not get every pod restarted). The delay is measured with a
 * timer's lateness, which catches one long block (perf_hooks' monitorEventLoopDelay smooths it out).
 */
@Injectable()
export class EventLoopHealthIndicator implements OnModuleDestroy {
  private maxDelayMs = 0;
  private expected = performance.now() + SAMPLE_EVERY_MS;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(RESOLVED_METRICS_OPTIONS) private readonly options: ResolvedMetricsOptions,
  ) {
    this.timer = setInterval(() => {
      const now = performance.now();
      this.maxDelayMs = Math.max(this.maxDelayMs, now - this.expected);
      this.expected = now + SAMPLE_EVERY_MS;
    }, SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  isHealthy<const Key extends string>(key: Key): HealthIndicatorResult<Key> {
    const indicator = this.indicators.check(key);
    // The block may still be unmeasured if the sampler has not run since; count it too.
    const maxMs = Math.round(Math.max(this.maxDelayMs, performance.now() - this.expected));
    this.maxDelayMs = 0;
    const threshold = this.options.eventLoopDelayThresholdMs;
    return maxMs > threshold
      ? indicator.down({ message: MetricsMessages.eventLoopBlocked(maxMs, threshold) })
      : indicator.up();
  }
}
