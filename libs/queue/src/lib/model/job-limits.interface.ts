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
  /** Longest `timeout_secs`. Default 86400. */
  maxTimeoutSecs: number;
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
  maxTimeoutSecs: 86400,
  maxAttempts: 25,
  maxScheduleAheadSecs: 366 * 86400,
});

/** Default `timeout_secs` (SPEC §2). */
export const DEFAULT_TIMEOUT_SECS = 600;
