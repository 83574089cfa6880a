import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { JobEvent, JobEvents, QueueService } from '@riptide/queue';
import type Redis from 'ioredis';
import { bucketIndex } from '../histogram/log-histogram.util';
import { MetricsKeys } from '../metrics-keys.util';
import { CounterName, METRICS_REDIS, PROMETHEUS_BUCKETS_SECONDS } from '../metrics.constants';
import { RedisIncrementBatch } from './redis-increment-batch';

const COUNTER_OF: Partial<Record<JobEvent['kind'], CounterName>> = {
  submitted: 'submitted',
  completed: 'completed',
  failed: 'failed',
  retrying: 'retried',
  dead_letter: 'dead_letter',
  cancelled: 'cancelled',
};

/** Index of the first Prometheus bucket whose bound holds the value (the +Inf bucket last). */
export function prometheusBucketIndex(ms: number): number {
  const seconds = ms / 1000;
  const index = PROMETHEUS_BUCKETS_SECONDS.findIndex((bound) => seconds <= bound);
  return index === -1 ? PROMETHEUS_BUCKETS_SECONDS.length : index;
}

/**
 * Turns this process's job events into increments of the cluster-wide counters and
 * distributions in Redis, O(1) memory per event. Increments of one event-loop turn share one
 * pipeline (RedisIncrementBatch), so a burst of submissions costs one round trip, not one each.
 */
@Injectable()
export class JobMetricsRecorder implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('JobMetricsRecorder');
  private readonly keys: MetricsKeys;
  private readonly batch: RedisIncrementBatch;
  private unsubscribe?: () => void;

  constructor(
    private readonly events: JobEvents,
    queue: QueueService,
    @Inject(METRICS_REDIS) redis: Redis,
  ) {
    this.keys = new MetricsKeys(queue.keys);
    this.batch = new RedisIncrementBatch(redis, (error) =>
      this.logger.warn(`job metrics not recorded: ${error.message}`),
    );
  }

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((event) => this.record(event));
  }

  /** Stops listening and writes what this process still holds. */
  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    await this.batch.flush();
  }

  /** Queues the event's increments; they reach Redis on the next turn of the event loop. Never throws. */
  record(event: JobEvent): void {
    const counter = COUNTER_OF[event.kind];
    if (counter) {
      this.batch.hincrby(this.keys.counters, counter, 1);
      this.batch.hincrby(this.keys.counters, `${counter}:${event.jobType}`, 1);
    }
    if (event.kind === 'completed') this.observe('processing', event.jobType, event.durationMs);
    if (event.kind === 'started') {
      this.observe('wait', event.jobType, event.waitMs);
      this.batch.set(this.keys.lastStarted, Date.now());
    }
  }

  private observe(name: 'processing' | 'wait', jobType: string, ms: number): void {
    const key = this.keys.distribution(name);
    const value = Math.max(0, Math.round(ms));
    this.batch.hincrby(key, `${jobType}:b:${bucketIndex(value)}`, 1);
    this.batch.hincrby(key, `${jobType}:le:${prometheusBucketIndex(value)}`, 1);
    this.batch.hincrby(key, `${jobType}:sum`, value);
    this.batch.hincrby(key, `${jobType}:n`, 1);
  }
}
