import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { MetricsStore } from '../metrics-store.service';
import { MetricsMessages } from '../metrics.messages';
import { WorkerRegistry } from '../workers/worker-registry.service';

/** Whenever work is waiting, at least one worker process somewhere is alive and running. */
@Injectable()
export class WorkerPoolHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly store: MetricsStore,
    private readonly registry: WorkerRegistry,
  ) {}

  async isHealthy<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.indicators.check(key);
    const state = await Promise.all([this.store.activity(), this.registry.snapshot()]).catch(
      () => null,
    );
    if (!state) return indicator.down({ message: MetricsMessages.redisUnreachable });
    const [{ waiting }, pool] = state;
    if (waiting > 0 && pool.healthyWorkers === 0)
      return indicator.down({
        message: MetricsMessages.noHealthyWorker(waiting),
        waiting,
        healthy_workers: 0,
      });
    return indicator.up({ waiting, healthy_workers: pool.healthyWorkers });
  }
}
