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
}

export const WORKERS_API_OPTIONS = 'RIPTIDE_WORKERS_API:OPTIONS';

export const DEFAULT_WORKERS_API_OPTIONS: Required<WorkersApiOptions> = Object.freeze({
  idempotencyTtlSecs: 86400,
  idempotencyWaitMs: 10000,
  schedules: false,
  metrics: false,
  webhooks: false,
});
