/** Injection token of the resolved metrics options. */
export const RESOLVED_METRICS_OPTIONS = 'RIPTIDE_METRICS:RESOLVED_OPTIONS';
/** Injection token of the metrics' own Redis connection (writes: counters, distributions, heartbeats). */
export const METRICS_REDIS = 'RIPTIDE_METRICS:REDIS';

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5000;
export const DEFAULT_MISSED_HEARTBEATS = 3;
export const DEFAULT_QUEUE_STALL_AFTER_MS = 60000;
export const DEFAULT_EVENT_LOOP_DELAY_THRESHOLD_MS = 1000;

/** Counters kept per job type and in total. */
export const COUNTERS = [
  'submitted',
  'completed',
  'failed',
  'retried',
  'dead_letter',
  'cancelled',
] as const;
export type CounterName = (typeof COUNTERS)[number];

/** Bucket bounds (seconds) of the Prometheus histograms; counted exactly, next to the fine buckets. */
export const PROMETHEUS_BUCKETS_SECONDS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
];
