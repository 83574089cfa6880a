import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { JobEvents, WorkerRuntime } from '@riptide/queue';
import type Redis from 'ioredis';
import { hostname } from 'node:os';
import { MetricsStore } from '../metrics-store.service';
import { METRICS_REDIS, RESOLVED_METRICS_OPTIONS } from '../metrics.constants';
import { ResolvedMetricsOptions } from '../metrics-options.interface';

/** One worker process as it last reported itself. */
export interface WorkerHeartbeat {
  workerId: string;
  host: string;
  pid: number;
  concurrency: number;
  runningJobIds: string[];
  processed: number;
  failed: number;
  isRunning: boolean;
  startedAt: number;
  lastHeartbeatAt: number;
  /** When this process last started a job, or null. */
  lastJobStartedAt: number | null;
}

/** A live worker with its health as judged by the reader. */
export interface RegisteredWorker extends WorkerHeartbeat {
  /** Running and beating on time (no more than one missed heartbeat). */
  healthy: boolean;
}

/** The worker pool across every process sharing the Redis. */
export interface WorkerPoolSnapshot {
  totalWorkers: number;
  healthyWorkers: number;
  totalJobsProcessed: number;
  totalJobsFailed: number;
  isRunning: boolean;
  workers: RegisteredWorker[];
}

/**
 * Worker registry in Redis. Every process that runs workers writes a heartbeat record every
 * `heartbeatIntervalMs` with an expiry of `missedHeartbeats` intervals, so a process that dies
 * drops out by itself; a sorted set indexes the records so readers need no SCAN.
 */
@Injectable()
export class WorkerRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WorkerRegistry');
  private timer?: NodeJS.Timeout;
  private lastJobStartedAt: number | null = null;
  private unsubscribe?: () => void;

  constructor(
    private readonly runtime: WorkerRuntime,
    private readonly events: JobEvents,
    private readonly store: MetricsStore,
    @Inject(METRICS_REDIS) private readonly redis: Redis,
    @Inject(RESOLVED_METRICS_OPTIONS) private readonly options: ResolvedMetricsOptions,
  ) {}

  private get ttlMs(): number {
    return this.options.heartbeatIntervalMs * this.options.missedHeartbeats;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.runtime.enabled) return;
    this.unsubscribe = this.events.subscribe((event) => {
      if (event.kind === 'started') this.lastJobStartedAt = Date.now();
    });
    await this.beat().catch((error: Error) =>
      this.logger.warn(`heartbeat failed: ${error.message}`),
    );
    this.timer = setInterval(
      () =>
        void this.beat().catch((error: Error) =>
          this.logger.warn(`heartbeat failed: ${error.message}`),
        ),
      this.options.heartbeatIntervalMs,
    );
    this.timer.unref();
  }

  /** Leaves the registry at once on a clean shutdown instead of waiting for the expiry. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    const { workerId } = this.runtime.stats();
    await this.redis
      .multi()
      .del(this.store.keys.worker(workerId))
      .zrem(this.store.keys.workers, workerId)
      .exec()
      .catch(() => undefined);
  }

  /** This process's record as it is written to Redis. */
  heartbeat(now = Date.now()): WorkerHeartbeat {
    const stats = this.runtime.stats();
    return {
      workerId: stats.workerId,
      host: hostname(),
      pid: process.pid,
      concurrency: stats.concurrency,
      runningJobIds: stats.runningJobIds,
      processed: stats.processed,
      failed: stats.failed,
      isRunning: stats.isRunning,
      startedAt: stats.startedAt.getTime(),
      lastHeartbeatAt: now,
      lastJobStartedAt: this.lastJobStartedAt,
    };
  }

  async beat(): Promise<void> {
    const record = this.heartbeat();
    const keys = this.store.keys;
    await this.redis
      .multi()
      .set(keys.worker(record.workerId), JSON.stringify(record), 'PX', this.ttlMs)
      .zadd(keys.workers, record.lastHeartbeatAt, record.workerId)
      // Index entries of workers gone for ten expiry periods are dropped, keeping the set bounded.
      .zremrangebyscore(keys.workers, '-inf', record.lastHeartbeatAt - 10 * this.ttlMs)
      .exec();
  }

  /** Every live worker process (heartbeat not expired), read fresh from Redis. */
  async snapshot(now = Date.now()): Promise<WorkerPoolSnapshot> {
    const records = await this.store.workerRecords();
    const workers: RegisteredWorker[] = [];
    for (const raw of records) {
      if (!raw) continue;
      const record = JSON.parse(raw) as WorkerHeartbeat;
      const late = now - record.lastHeartbeatAt > 2 * this.options.heartbeatIntervalMs;
      workers.push({ ...record, healthy: record.isRunning && !late });
    }
    workers.sort((a, b) => a.startedAt - b.startedAt || a.workerId.localeCompare(b.workerId));
    return {
      totalWorkers: workers.length,
      healthyWorkers: workers.filter((w) => w.healthy).length,
      totalJobsProcessed: workers.reduce((sum, w) => sum + w.processed, 0),
      totalJobsFailed: workers.reduce((sum, w) => sum + w.failed, 0),
      isRunning: workers.some((w) => w.isRunning),
      workers,
    };
  }
}
