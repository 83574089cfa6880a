/** Options of WorkersApiModule.forRoot; every field has a default. */
export interface WorkersApiOptions {
  /** How long an Idempotency-Key's first answer is replayed (IDEMPOTENCY_TTL_SECS). Default 86400. */
  idempotencyTtlSecs?: number;
  /** Longest a repeat waits for the first request with its key to finish before a 409. Default 10000. */
  idempotencyWaitMs?: number;
  /**
   * Serve the schedule routes (`/workers/schedule`). They need a global SchedulerModule in the
   * application; without them the module needs no scheduler at all. Default false.
   */
  schedules?: boolean;
  /**
   * Serve the observability routes: `/workers/metrics`, `/workers/stats/workers`, `/metrics`
   * (Prometheus), `/health` and `/health/live`. They need a MetricsModule imported with
   * `isGlobal: true` in the application; without them the module needs no metrics at all. Default false.
   */
  metrics?: boolean;
  /**
   * Serve the webhook routes (`/workers/webhooks`: subscriptions, secret rotation) and accept a
   * submission's `webhook`. They need a WebhooksModule imported with `isGlobal: true` in the
   * application. Default false.
   */
  webhooks?: boolean;
  /**
   * Serve the live job event streams (server-sent events): `/workers/jobs/:job_id/events` and
   * `/workers/events`. Default false.
   */
  events?: boolean;
  /** Event streams one process holds open at most; then 503 (SSE_MAX_CONNECTIONS). Default 1000. */
  sseMaxConnections?: number;
  /**
   * Event streams one API key holds open on one process at most; then 429
   * (SSE_MAX_CONNECTIONS_PER_KEY). The admin key is exempt. Default 50.
   */
  sseMaxConnectionsPerKey?: number;
  /** Idle time after which a stream gets a `: keep-alive` comment. Default 15000. */
  sseKeepAliveMs?: number;
  /**
   * Under a steady flow of events, how often a stream's pending events are written: at most one
   * write per client per interval, so a burst costs one system call per client, not one per
   * event. An event after a quiet spell is written at once. (SSE_FLUSH_INTERVAL_MS) Default 10.
   */
  sseFlushIntervalMs?: number;
}

export const WORKERS_API_OPTIONS = 'RIPTIDE_WORKERS_API:OPTIONS';

export const DEFAULT_WORKERS_API_OPTIONS: Required<WorkersApiOptions> = Object.freeze({
  idempotencyTtlSecs: 86400,
  idempotencyWaitMs: 10000,
  schedules: false,
  metrics: false,
  webhooks: false,
  events: false,
  sseMaxConnections: 1000,
  sseMaxConnectionsPerKey: 50,
  sseKeepAliveMs: 15000,
  sseFlushIntervalMs: 10,
});
