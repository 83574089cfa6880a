import { Inject, Injectable } from '@nestjs/common';
import {
  QUEUE_REDIS,
  QueueService,
  RESOLVED_QUEUE_OPTIONS,
  ResolvedQueueOptions,
} from '@riptide/queue';
import { withRedisDeadline } from '@riptide/redis';
import type Redis from 'ioredis';
import { BucketCounts, emptyCounts } from './histogram/log-histogram.util';
import { MetricsKeys } from './metrics-keys.util';
import { COUNTERS, CounterName, PROMETHEUS_BUCKETS_SECONDS } from './metrics.constants';

/** Counters as read back: totals and per job type. */
export interface CounterValues {
  total: Record<CounterName, number>;
  byType: Record<string, Record<CounterName, number>>;
}

/** One job type's distribution: fine buckets for percentiles, Prometheus buckets (non-cumulative). */
export interface TypeDistribution {
  counts: BucketCounts;
  prometheusBuckets: number[];
}

export const zeroCounters = (): Record<CounterName, number> =>
  Object.fromEntries(COUNTERS.map((name) => [name, 0])) as Record<CounterName, number>;

/** Where the next job in line waits and when a job last started, for stall detection. */
export interface QueueActivity {
  /** Jobs in the wait list (ready to run now). */
  waiting: number;
  /** When the job next in line became ready (ms since the epoch), or null when none waits. */
  nextReadyAt: number | null;
  /** When any worker last started a job (ms since the epoch), or null if never. */
  lastStartedAt: number | null;
}

/**
 * Reads the cluster-wide metrics from Redis over the queue's fail-fast producer connection, so
 * an HTTP request answers 503 quickly when Redis is away instead of hanging.
 */
@Injectable()
export class MetricsStore {
  readonly keys: MetricsKeys;

  constructor(
    private readonly queue: QueueService,
    @Inject(QUEUE_REDIS) private readonly redis: Redis,
    @Inject(RESOLVED_QUEUE_OPTIONS) private readonly queueOptions: ResolvedQueueOptions,
  ) {
    this.keys = new MetricsKeys(queue.keys);
  }

  guard<T>(operation: () => Promise<T>): Promise<T> {
    return withRedisDeadline(this.redis, this.queueOptions.commandTimeoutMs, operation);
  }

  async counters(): Promise<CounterValues> {
    const raw = await this.guard(() => this.redis.hgetall(this.keys.counters));
    const result: CounterValues = { total: zeroCounters(), byType: {} };
    for (const [field, value] of Object.entries(raw)) {
      const [name, jobType] = field.split(':', 2) as [CounterName, string | undefined];
      if (!(COUNTERS as readonly string[]).includes(name)) continue;
      if (jobType === undefined) result.total[name] = Number(value);
      else (result.byType[jobType] ??= zeroCounters())[name] = Number(value);
    }
    return result;
  }

  async distribution(name: 'processing' | 'wait'): Promise<Record<string, TypeDistribution>> {
    const raw = await this.guard(() => this.redis.hgetall(this.keys.distribution(name)));
    const byType: Record<string, TypeDistribution> = {};
    for (const [field, value] of Object.entries(raw)) {
      const [jobType, kind, index] = field.split(':');
      const entry = (byType[jobType] ??= {
        counts: emptyCounts(),
        prometheusBuckets: new Array<number>(PROMETHEUS_BUCKETS_SECONDS.length + 1).fill(0),
      });
      const n = Number(value);
      if (kind === 'b') entry.counts.buckets.set(Number(index), n);
      else if (kind === 'le') entry.prometheusBuckets[Number(index)] = n;
      else if (kind === 'sum') entry.counts.sumMs = n;
      else if (kind === 'n') entry.counts.count = n;
    }
    return byType;
  }

  /** Waiting jobs, when the next one became ready, and the last start anywhere: one round trip. */
  async activity(): Promise<QueueActivity> {
    const k = this.queue.keys;
    // A pipeline, not MULTI: a full Redis refuses every command queued in a MULTI, reads included.
    const [[, waiting], [, nextId], [, lastStarted]] = ((await this.guard(() =>
      this.redis
        .pipeline()
        .llen(k.bull('wait'))
        .lindex(k.bull('wait'), -1)
        .get(this.keys.lastStarted)
        .exec(),
    )) ?? []) as [unknown, unknown][];
    let nextReadyAt: number | null = null;
    if (typeof nextId === 'string') {
      const [timestamp, delay, processedOn] = await this.guard(() =>
        this.redis.hmget(k.job(nextId), 'timestamp', 'delay', 'processedOn'),
      );
      // A delayed job is ready at timestamp + delay; a retried one no earlier than its last start.
      if (timestamp)
        nextReadyAt = Math.max(Number(timestamp) + Number(delay ?? 0), Number(processedOn ?? 0));
    }
    return {
      waiting: Number(waiting ?? 0),
      nextReadyAt,
      lastStartedAt: lastStarted ? Number(lastStarted) : null,
    };
  }

  /** The heartbeat records (JSON) of every registered worker whose record has not expired. */
  async workerRecords(): Promise<string[]> {
    const ids = await this.guard(() => this.redis.zrange(this.keys.workers, 0, -1));
    if (!ids.length) return [];
    const records = await this.guard(() => this.redis.mget(ids.map((id) => this.keys.worker(id))));
    return records.filter((record): record is string => record !== null);
  }
}
