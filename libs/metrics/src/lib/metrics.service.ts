import { Injectable } from '@nestjs/common';
import { QueueCounts, QueueService } from '@riptide/queue';
import {
  BucketCounts,
  average,
  emptyCounts,
  mergeCounts,
  percentile,
  round2,
} from './histogram/log-histogram.util';
import { CounterName } from './metrics.constants';
import { MetricsStore, TypeDistribution, zeroCounters } from './metrics-store.service';
import { WorkerRegistry } from './workers/worker-registry.service';

/** Latency summary of one distribution (milliseconds). */
export interface LatencySummary {
  count: number;
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** Counters and latencies of one job type. */
export interface JobTypeStats {
  submitted: number;
  completed: number;
  failed: number;
  retried: number;
  deadLetter: number;
  cancelled: number;
  /** completed / (completed + failed + dead-lettered), 0–100; 100 while nothing has finished. */
  successRate: number;
  processing: LatencySummary;
  queueWait: LatencySummary;
}

/** The cluster-wide metrics snapshot behind GET /workers/metrics. */
export interface MetricsSnapshot {
  jobsSubmitted: number;
  jobsCompleted: number;
  jobsFailed: number;
  jobsRetried: number;
  jobsDeadLetter: number;
  jobsCancelled: number;
  processing: LatencySummary;
  queueWait: LatencySummary;
  successRate: number;
  jobTypeStats: Record<string, JobTypeStats>;
  /** Submitted jobs per job type. */
  jobsByType: Record<string, number>;
  queueSizes: QueueCounts;
  totalWorkers: number;
  healthyWorkers: number;
  /** Seconds since this process started. */
  uptimeSeconds: number;
  timestamp: Date;
}

export function summarize(counts: BucketCounts): LatencySummary {
  return {
    count: counts.count,
    avgMs: average(counts),
    p50Ms: percentile(counts, 50),
    p95Ms: percentile(counts, 95),
    p99Ms: percentile(counts, 99),
  };
}

export function successRate(c: Record<CounterName, number>): number {
  const finished = c.completed + c.failed + c.dead_letter;
  return finished === 0 ? 100 : round2((c.completed / finished) * 100);
}

const countsOf = (d: TypeDistribution | undefined): BucketCounts => d?.counts ?? emptyCounts();

/** Builds metrics snapshots from Redis: the same answer from whichever process is asked. */
@Injectable()
export class MetricsService {
  constructor(
    private readonly store: MetricsStore,
    private readonly queue: QueueService,
    private readonly registry: WorkerRegistry,
  ) {}

  async snapshot(): Promise<MetricsSnapshot> {
    const [counters, processing, wait, queueSizes, pool] = await Promise.all([
      this.store.counters(),
      this.store.distribution('processing'),
      this.store.distribution('wait'),
      this.queue.counts(),
      this.registry.snapshot(),
    ]);
    const types = [
      ...new Set([
        ...Object.keys(counters.byType),
        ...Object.keys(processing),
        ...Object.keys(wait),
      ]),
    ].sort();
    const jobTypeStats: Record<string, JobTypeStats> = {};
    const jobsByType: Record<string, number> = {};
    const allProcessing = emptyCounts();
    const allWait = emptyCounts();
    for (const type of types) {
      const c = counters.byType[type] ?? zeroCounters();
      mergeCounts(allProcessing, countsOf(processing[type]));
      mergeCounts(allWait, countsOf(wait[type]));
      jobsByType[type] = c.submitted;
      jobTypeStats[type] = {
        submitted: c.submitted,
        completed: c.completed,
        failed: c.failed,
        retried: c.retried,
        deadLetter: c.dead_letter,
        cancelled: c.cancelled,
        successRate: successRate(c),
        processing: summarize(countsOf(processing[type])),
        queueWait: summarize(countsOf(wait[type])),
      };
    }
    const t = counters.total;
    return {
      jobsSubmitted: t.submitted,
      jobsCompleted: t.completed,
      jobsFailed: t.failed,
      jobsRetried: t.retried,
      jobsDeadLetter: t.dead_letter,
      jobsCancelled: t.cancelled,
      processing: summarize(allProcessing),
      queueWait: summarize(allWait),
      successRate: successRate(t),
      jobTypeStats,
      jobsByType,
      queueSizes,
      totalWorkers: pool.totalWorkers,
      healthyWorkers: pool.healthyWorkers,
      uptimeSeconds: Math.floor(process.uptime()),
      timestamp: new Date(),
    };
  }
}
