/** Bounds on submitted input; every field has a default in DEFAULT_JOB_LIMITS. */
export interface JobLimits {
  /** Most URLs in one batch_crawl (WORKER_MAX_BATCH_SIZE). Default 50. */
  maxBatchSize: number;
  /** Longest accepted URL. Default 2048. */
  maxUrlLength: number;
  /** Largest decoded `pdf_data`. Default 10 MiB. */
  maxPdfBytes: number;
  /** Largest `metadata` as JSON. Default 16 KiB. */
  maxMetadataBytes: number;
  /** Largest custom `payload` or maintenance `parameters` as JSON. Default 256 KiB. */
  maxPayloadBytes: number;
  /** Longest `timeout_secs` a client may ask for (JOB_MAX_TIMEOUT_SECS). Default 3600. */
  maxTimeoutSecs: number;
  /** Largest per-URL crawl `max_bytes` and PDF `max_bytes` a client may ask for (CRAWL_MAX_BYTES_CEILING). Default 50 MiB. */
  maxCrawlBytes: number;
  /** Longest per-URL crawl `timeout_ms` and PDF `timeout_ms` a client may ask for (CRAWL_MAX_TIMEOUT_MS). Default 120000. */
  maxCrawlTimeoutMs: number;
  /** Whether a crawl may ask for `respect_robots: false` (CRAWL_ALLOW_ROBOTS_OVERRIDE). Default false. */
  allowRobotsOverride: boolean;
  /** Most executions a retry_config may ask for. Default 25. */
  maxAttempts: number;
  /** Furthest `scheduled_at` in the future. Default 366 days. */
  maxScheduleAheadSecs: number;
}

export const DEFAULT_JOB_LIMITS: JobLimits = Object.freeze({
  maxBatchSize: 50,
  maxUrlLength: 2048,
  maxPdfBytes: 10 * 1024 * 1024,
  maxMetadataBytes: 16 * 1024,
  maxPayloadBytes: 256 * 1024,
  maxTimeoutSecs: 3600,
  maxCrawlBytes: 50 * 1024 * 1024,
  maxCrawlTimeoutMs: 120000,
  allowRobotsOverride: false,
  maxAttempts: 25,
  maxScheduleAheadSecs: 366 * 86400,
});

/** The operator setting behind each ceiling, named in a refusal so a client can tell it from a fixed rule. */
export const CEILING_SETTINGS = Object.freeze({
  maxTimeoutSecs: 'JOB_MAX_TIMEOUT_SECS',
  maxCrawlBytes: 'CRAWL_MAX_BYTES_CEILING',
  maxCrawlTimeoutMs: 'CRAWL_MAX_TIMEOUT_MS',
  allowRobotsOverride: 'CRAWL_ALLOW_ROBOTS_OVERRIDE',
} as const);

/** Default `timeout_secs` (SPEC §2). */
export const DEFAULT_TIMEOUT_SECS = 600;
