import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { JobEvent, JobEvents, QueueService } from '@riptide/queue';
import type Redis from 'ioredis';
import { bucketIndex } from '../histogram/log-histogram.util';
import { MetricsKeys } from '../metrics-keys.util';
import { CounterName, METRICS_REDIS, PROMETHEUS_BUCKETS_SECONDS } from '../metrics.constants';

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
 * distributions in Redis: one pipelined round trip per event, O(1) memory per event.
 */
@Injectable()
export class JobMetricsRecorder implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('JobMetricsRecorder');
  private readonly keys: MetricsKeys;
  private unsubscribe?: () => void;

  constructor(
    private readonly events: JobEvents,
    queue: QueueService,
    @Inject(METRICS_REDIS) private readonly redis: Redis,
  ) {
    this.keys = new MetricsKeys(queue.keys);
  }

  onModuleInit(): void {
    // A listener must never throw into the emitter: that would be the worker's or producer's call.
    this.unsubscribe = this.events.subscribe((event) => {
      this.record(event).catch((error: Error) => this.logger.warn(`metrics not recorded for job ${event.jobId}: ${error.message}`));
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  async record(event: JobEvent): Promise<void> {
    const pipeline = this.redis.pipeline();
    const counter = COUNTER_OF[event.kind];
    if (counter) pipeline.hincrby(this.keys.counters, counter, 1).hincrby(this.keys.counters, `${counter}:${event.jobType}`, 1);
    if (event.kind === 'completed') this.observe(pipeline, 'processing', event.jobType, event.durationMs);
    if (event.kind === 'started') {
      this.observe(pipeline, 'wait', event.jobType, event.waitMs);
      pipeline.set(this.keys.lastStarted, Date.now());
    }
    if (pipeline.length === 0) return;
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0] as Error;
  }

  private observe(pipeline: ReturnType<Redis['pipeline']>, name: 'processing' | 'wait', jobType: string, ms: number): void {
    const key = this.keys.distribution(name);
    const value = Math.max(0, Math.round(ms));
    pipeline
      .hincrby(key, `${jobType}:b:${bucketIndex(value)}`, 1)
      .hincrby(key, `${jobType}:le:${prometheusBucketIndex(value)}`, 1)
      .hincrby(key, `${jobType}:sum`, value)
      .hincrby(key, `${jobType}:n`, 1);
  }
}
