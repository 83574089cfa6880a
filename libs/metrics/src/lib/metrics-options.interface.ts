/** What the scheduler (or any other component) tells the `scheduler` health indicator. */
export interface SchedulerHealthProbe {
  /** `healthy: false` turns /health to 503; `details` (no secrets) are shown in the body. */
  checkHealth(): Promise<{
    healthy: boolean;
    details?: Record<string, string | number | boolean | null>;
  }>;
}

/** What a host that runs its own redis-server tells the `redis` health indicator about it. */
export interface EmbeddedRedisProbe {
  status(): { running: boolean; restarts: number; lastRestartAt?: Date | null };
}

/** Options of MetricsModule.forRoot / forRootAsync. QueueModule must be global in the application. */
export interface MetricsModuleOptions {
  /** How often a worker process writes its heartbeat. Default 5000. */
  heartbeatIntervalMs?: number;
  /** Missed heartbeats after which a worker drops out of the registry. Default 3. */
  missedHeartbeats?: number;
  /** `queue` is down when jobs wait and no job started for this long. Default 60000. */
  queueStallAfterMs?: number;
  /** `/health/live` is down when the event loop was blocked longer than this since the last probe. Default 1000. */
  eventLoopDelayThresholdMs?: number;
  /** Scheduler health; absent = the `scheduler` indicator reports "not configured" and is up. */
  scheduler?: SchedulerHealthProbe;
  /** The host's embedded redis-server, when it runs one: its restarts show in the `redis` health entry. */
  embeddedRedis?: EmbeddedRedisProbe;
  /** Prefix of the Prometheus metric names. Default `riptide_`. */
  prometheusPrefix?: string;
  /** Also export prom-client's process metrics (CPU, memory, event loop, GC). Default true. */
  defaultMetrics?: boolean;
}

/** Options with every default applied. */
export interface ResolvedMetricsOptions extends Required<
  Omit<MetricsModuleOptions, 'scheduler' | 'embeddedRedis'>
> {
  scheduler?: SchedulerHealthProbe;
  embeddedRedis?: EmbeddedRedisProbe;
}
