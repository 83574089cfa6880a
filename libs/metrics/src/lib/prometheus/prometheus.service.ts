import { Inject, Injectable, Logger } from '@nestjs/common';
import { QueueCounts, QueueService } from '@riptide/queue';
import { Counter, Gauge, Metric, Registry, collectDefaultMetrics } from 'prom-client';
import { COUNTERS, RESOLVED_METRICS_OPTIONS } from '../metrics.constants';
import { ResolvedMetricsOptions } from '../metrics-options.interface';
import {
  CounterValues,
  MetricsStore,
  QueueActivity,
  TypeDistribution,
} from '../metrics-store.service';
import { WorkerPoolSnapshot, WorkerRegistry } from '../workers/worker-registry.service';
import { ClusterHistogram } from './cluster-histogram.metric';

/** Everything a scrape needs from Redis, read once per scrape. */
interface ClusterData {
  counters: CounterValues;
  processing: Record<string, TypeDistribution>;
  wait: Record<string, TypeDistribution>;
  queue: QueueCounts;
  pool: WorkerPoolSnapshot;
  activity: QueueActivity;
}

const COUNTER_HELP: Record<(typeof COUNTERS)[number], string> = {
  submitted: 'Jobs submitted, across all processes',
  completed: 'Jobs completed successfully, across all processes',
  failed: 'Jobs failed with a non-retryable error, across all processes',
  retried: 'Failed attempts that were scheduled for another attempt, across all processes',
  dead_letter: 'Jobs dead-lettered after exhausting their attempts, across all processes',
  cancelled: 'Jobs cancelled, across all processes',
};

/**
 * Prometheus exposition on its own prom-client Registry. Job metrics are cluster-wide: each
 * scrape reads them from Redis once (any process answers the same), while the process defaults
 * describe the process that answers. When Redis is away the job metrics are left out and
 * `<prefix>redis_up` is 0, so the scrape itself still succeeds.
 */
@Injectable()
export class PrometheusService {
  readonly registry = new Registry();
  private readonly logger = new Logger('PrometheusService');
  private current: Promise<ClusterData | null> = Promise.resolve(null);

  constructor(
    private readonly store: MetricsStore,
    private readonly queue: QueueService,
    private readonly workers: WorkerRegistry,
    @Inject(RESOLVED_METRICS_OPTIONS) options: ResolvedMetricsOptions,
  ) {
    const p = options.prometheusPrefix;
    const registers = [this.registry];
    const data = () => this.current;
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    for (const name of COUNTERS)
      new Counter({
        name: `${p}jobs_${name}_total`,
        help: COUNTER_HELP[name],
        labelNames: ['job_type'],
        registers,
        async collect() {
          this.reset();
          const values = (await data())?.counters.byType ?? {};
          for (const [jobType, counters] of Object.entries(values))
            this.inc({ job_type: jobType }, counters[name]);
        },
      });
    const histograms = [
      new ClusterHistogram(
        `${p}job_processing_seconds`,
        'Processing time of completed jobs, across all processes',
        async () => (await data())?.processing ?? null,
      ),
      new ClusterHistogram(
        `${p}job_queue_wait_seconds`,
        'Time from ready to started, across all processes',
        async () => (await data())?.wait ?? null,
      ),
    ];
    for (const histogram of histograms)
      this.registry.registerMetric(histogram as unknown as Metric);
    new Gauge({
      name: `${p}queue_jobs`,
      help: 'Jobs in the queue by state',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        const counts = (await data())?.queue;
        if (!counts) return;
        const states: [string, number][] = [
          ['pending', counts.pending],
          ['processing', counts.processing],
          ['completed', counts.completed],
          ['failed', counts.failed],
          ['retry', counts.retry],
          ['delayed', counts.delayed],
          ['dead_letter', counts.deadLetter],
          ['cancelled', counts.cancelled],
        ];
        for (const [state, value] of states) this.set({ state }, value);
      },
    });
    new Gauge({
      name: `${p}workers`,
      help: 'Worker processes with a live heartbeat, and those of them that are healthy',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        const pool = (await data())?.pool;
        if (!pool) return;
        this.set({ state: 'live' }, pool.totalWorkers);
        this.set({ state: 'healthy' }, pool.healthyWorkers);
      },
    });
    new Gauge({
      name: `${p}queue_oldest_waiting_job_age_seconds`,
      help: 'How long the job next in line (the oldest one among equal priorities) has been ready; 0 when none waits',
      registers,
      async collect() {
        this.reset();
        const activity = (await data())?.activity;
        if (!activity) return;
        this.set(
          activity.nextReadyAt === null ? 0 : Math.max(0, Date.now() - activity.nextReadyAt) / 1000,
        );
      },
    });
    new Gauge({
      name: `${p}redis_up`,
      help: '1 when this process could read the cluster metrics from Redis for this scrape, else 0',
      registers,
      async collect() {
        this.set((await data()) ? 1 : 0);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition. */
  async metrics(): Promise<string> {
    this.current = this.load();
    return this.registry.metrics();
  }

  private async load(): Promise<ClusterData | null> {
    try {
      const [counters, processing, wait, queue, pool, activity] = await Promise.all([
        this.store.counters(),
        this.store.distribution('processing'),
        this.store.distribution('wait'),
        this.queue.counts(),
        this.workers.snapshot(),
        this.store.activity(),
      ]);
      return { counters, processing, wait, queue, pool, activity };
    } catch (error) {
      this.logger.warn(`cluster metrics unavailable for this scrape: ${(error as Error).message}`);
      return null;
    }
  }
}
