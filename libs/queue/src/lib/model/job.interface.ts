import type { CrawlOptions as EngineCrawlOptions } from '@riptide/crawl-options';

/** Priorities, highest last; input may be any case, output is always this spelling. */
export const JOB_PRIORITIES = ['Low', 'Normal', 'High', 'Critical'] as const;
export type JobPriority = (typeof JOB_PRIORITIES)[number];

/** Every status a job can have (SPEC §2). */
export const JOB_STATUSES = [
  'Pending',
  'Delayed',
  'Processing',
  'Retrying',
  'Completed',
  'Failed',
  'DeadLetter',
  'Cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses after which a job never runs again unless replayed. */
export const FINISHED_STATUSES: readonly JobStatus[] = [
  'Completed',
  'Failed',
  'DeadLetter',
  'Cancelled',
];
/** Statuses of a job that is not finished: what a tenant's unfinished-jobs quota counts. */
export const UNFINISHED_STATUSES: readonly JobStatus[] = [
  'Pending',
  'Delayed',
  'Processing',
  'Retrying',
];
/** Statuses that `replay` accepts. */
export const REPLAYABLE_STATUSES: readonly JobStatus[] = ['Failed', 'DeadLetter', 'Cancelled'];

export const JOB_TYPE_NAMES = [
  'batch_crawl',
  'single_crawl',
  'pdf_extraction',
  'maintenance',
  'custom',
] as const;
export type JobTypeName = (typeof JOB_TYPE_NAMES)[number];
/** The built-in job types whose handlers a worker process must have. */
export const BUILT_IN_JOB_TYPES: readonly JobTypeName[] = [
  'batch_crawl',
  'single_crawl',
  'pdf_extraction',
  'maintenance',
];

/**
 * The maintenance tasks the built-in handler runs. A `maintenance` job naming another is refused at
 * submission, as is a schedule whose template does, instead of failing when a worker takes it.
 */
export const MAINTENANCE_TASK_TYPES = ['cleanup', 'health_check'] as const;
export type MaintenanceTaskType = (typeof MAINTENANCE_TASK_TYPES)[number];

/**
 * A crawl job's options (SPEC §4): those the engine acts on, plus the job's own. Browser-only
 * options are kept in `ignoredOptions` and reported.
 */
export interface CrawlOptions extends EngineCrawlOptions {
  /** URLs of a batch crawled at once. */
  concurrency?: number;
  /** Names of accepted options that this service does not act on (they need a browser). */
  ignoredOptions?: string[];
}

export interface PdfExtractionOptions {
  maxPages?: number;
  maxBytes?: number;
  timeoutMs?: number;
}

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface BatchCrawlJob {
  type: 'batch_crawl';
  urls: string[];
  options?: CrawlOptions;
}
export interface SingleCrawlJob {
  type: 'single_crawl';
  url: string;
  options?: CrawlOptions;
}
export interface PdfExtractionJob {
  type: 'pdf_extraction';
  url?: string;
  /** Base64 PDF bytes; exactly one of `url` and `pdfData`. */
  pdfData?: string;
  /**
   * Size of the decoded `pdfData`, in job views that leave the document out (listings); never
   * part of a submission.
   */
  pdfDataBytes?: number;
  options?: PdfExtractionOptions;
}
export interface MaintenanceJob {
  type: 'maintenance';
  taskType: string;
  parameters?: JsonObject;
}
export interface CustomJob {
  type: 'custom';
  jobName: string;
  payload?: JsonValue;
}
/** The work a job does, tagged by `type`. */
export type JobType =
  BatchCrawlJob | SingleCrawlJob | PdfExtractionJob | MaintenanceJob | CustomJob;

/** Retry policy: `maxAttempts` counts every execution, the first one included. */
export interface RetryConfig {
  maxAttempts: number;
  initialDelaySecs: number;
  backoffMultiplier: number;
  maxDelaySecs: number;
  useJitter: boolean;
}

/**
 * The job events a webhook may ask for: the terminal ones, `retrying` and `progress`. Creation and
 * start events are not delivered (a submitter already knows; a start is seldom worth a request).
 */
export const WEBHOOK_EVENT_KINDS = [
  'completed',
  'failed',
  'dead_letter',
  'cancelled',
  'retrying',
  'progress',
] as const;
export type WebhookEventKind = (typeof WEBHOOK_EVENT_KINDS)[number];
/** What a webhook gets when it names no events: the terminal ones. */
export const DEFAULT_WEBHOOK_EVENTS: readonly WebhookEventKind[] = [
  'completed',
  'failed',
  'dead_letter',
  'cancelled',
];

/** Where a job's own events are POSTed (signed with its tenant's webhook secret). */
export interface JobWebhook {
  url: string;
  /** Default DEFAULT_WEBHOOK_EVENTS. */
  events?: WebhookEventKind[];
}

/** What a caller submits; everything but `jobType` is optional. */
export interface JobSubmission {
  jobType: JobType;
  priority?: JobPriority;
  retryConfig?: Partial<RetryConfig>;
  timeoutSecs?: number;
  scheduledAt?: Date;
  metadata?: JsonObject;
  /** Who owns the job (TENANT_PATTERN). Default `DEFAULT_TENANT`. */
  tenant?: string;
  /** Where to POST this job's events. */
  webhook?: JobWebhook;
}

/** A job as stored: the submission with every default applied. */
export interface JobRecord {
  /**
   * Kept first: the Lua scripts read it from the start of the stored JSON (see StoredJobData).
   * Optional only because jobs stored before tenants existed have none; they belong to `default`.
   */
  tenant?: string;
  jobType: JobType;
  priority: JobPriority;
  retryConfig: RetryConfig;
  timeoutSecs: number;
  scheduledAt: string | null;
  metadata: JsonObject;
  /** Lower-case text that `search` matches: job id, metadata keys and string values. */
  searchText: string;
  /** The job's own webhook, events resolved; absent when it has none. */
  webhook?: Required<JobWebhook>;
}

/** A job's state, read fresh from Redis. */
export interface JobView {
  jobId: string;
  /** The owner; `default` for jobs stored before tenants existed. */
  tenant: string;
  status: JobStatus;
  jobType: JobType;
  priority: JobPriority;
  createdAt: Date;
  scheduledAt: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  workerId: string | null;
  retryCount: number;
  attemptsMade: number;
  maxAttempts: number;
  lastError: string | null;
  /** Stable code of the last failure, when its error declared one (JobFailureDetails). */
  lastErrorCode: string | null;
  /** Data the last failure kept (a failed batch's per-URL outcomes); null for most failures. */
  failureData: JsonValue | null;
  processingTimeMs: number | null;
  nextRetryAt: Date | null;
  progress: JsonValue;
  metadata: JsonObject;
  timeoutSecs: number;
  retryConfig: RetryConfig;
  /** The job's own webhook; null when it has none. */
  webhook: Required<JobWebhook> | null;
}

/** The outcome of a finished job, kept `resultTtlSecs`. */
export interface JobResultView {
  jobId: string;
  jobType: JobTypeName;
  success: boolean;
  data: unknown;
  error: string | null;
  /** Stable code of the failure (null on success, or when the error declared none). */
  errorCode: string | null;
  processingTimeMs: number;
  workerId: string | null;
  completedAt: Date;
}

export interface QueueCounts {
  pending: number;
  processing: number;
  completed: number;
  failed: number;
  retry: number;
  delayed: number;
  deadLetter: number;
  cancelled: number;
  total: number;
}

export interface JobListQuery {
  status?: JobStatus;
  /** A job type name, or `custom:<job_name>`. */
  jobType?: string;
  search?: string;
  /** Only this tenant's jobs (the walk and `total` cover just them); absent = every tenant. */
  tenant?: string;
  limit?: number;
  offset?: number;
}

export interface JobListPage {
  jobs: JobView[];
  total: number;
  limit: number;
  offset: number;
}
