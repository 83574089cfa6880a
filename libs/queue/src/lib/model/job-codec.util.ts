import type { JobOptions } from 'bull';
import { decodeJobFailure } from './job-failure.util';
import { BullPlace, RecordedOutcome, deriveStatus } from './job-status.util';
import { fromBullPriority, toBullPriority } from './job-priority.util';
import {
  DEFAULT_WEBHOOK_EVENTS,
  JobRecord,
  JobSubmission,
  JobType,
  JobView,
  JsonObject,
  JsonValue,
  RetryConfig,
} from './job.interface';
import { DEFAULT_TIMEOUT_SECS } from './job-limits.interface';
import { mergeRetryConfig } from './retry-policy.util';
import { DEFAULT_TENANT } from './tenant.util';
import { RIPTIDE_BACKOFF } from '../queue.constants';

/**
 * What bull stores as job data. `searchText` comes first and `record.tenant` right after it, so
 * the Lua scripts read both with an anchored pattern (TENANT_OF in queue-scripts) instead of
 * decoding JSON for every job they scan. searchText never holds a quote; tenant names are plain.
 */
export interface StoredJobData {
  searchText: string;
  record: JobRecord;
}

/**
 * What a completed attempt returns to bull (kept as the job's returnvalue). Results up to
 * INLINE_RESULT_MAX_BYTES ride inside it, costing no extra Redis write; larger ones are stored
 * under their own key that expires after the result TTL, so big crawl results do not stay in
 * memory for the whole completed-job retention.
 */
export interface StoredResult {
  data?: unknown;
  /** True when `data` lives under the result key instead. */
  external?: boolean;
  processingTimeMs: number;
  workerId: string;
  completedAt: number;
}

export const INLINE_RESULT_MAX_BYTES = 8192;

export function parseStoredResult(raw: string | null): StoredResult | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as StoredResult | null;
    return value && typeof value === 'object' && typeof value.completedAt === 'number'
      ? value
      : null;
  } catch {
    return null;
  }
}

/** Bull job name: the job type, or `custom:<job_name>` so the type filter is a name match. */
export function bullJobName(jobType: JobType): string {
  return jobType.type === 'custom' ? `custom:${jobType.jobName}` : jobType.type;
}

/** Lower-case, quote-free text the `search` filter matches: id, metadata keys and string values. */
export function buildSearchText(jobId: string, metadata: JsonObject): string {
  const parts: string[] = [jobId];
  const walk = (value: JsonValue) => {
    if (typeof value === 'string') parts.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) {
        parts.push(key);
        walk(inner);
      }
  };
  walk(metadata);
  return normaliseSearch(parts.join(' '));
}

/** The same normalisation for the haystack and the needle. */
export function normaliseSearch(text: string): string {
  return text.toLowerCase().replace(/["\\]/g, '');
}

export function buildJobRecord(jobId: string, submission: JobSubmission): JobRecord {
  const metadata = submission.metadata ?? {};
  return {
    // First key on purpose: see StoredJobData.
    tenant: submission.tenant ?? DEFAULT_TENANT,
    jobType: submission.jobType,
    priority: submission.priority ?? 'Normal',
    retryConfig: mergeRetryConfig(submission.retryConfig),
    timeoutSecs: submission.timeoutSecs ?? DEFAULT_TIMEOUT_SECS,
    scheduledAt: submission.scheduledAt ? submission.scheduledAt.toISOString() : null,
    metadata,
    searchText: buildSearchText(jobId, metadata),
    ...(submission.webhook
      ? {
          webhook: {
            url: submission.webhook.url,
            events: [...new Set(submission.webhook.events ?? DEFAULT_WEBHOOK_EVENTS)],
          },
        }
      : {}),
  };
}

export function buildBullOptions(
  jobId: string,
  record: JobRecord,
  retention: { completedTtlSecs: number; failedTtlSecs: number },
  now: number,
): JobOptions {
  const delay = record.scheduledAt ? Math.max(0, Date.parse(record.scheduledAt) - now) : 0;
  return {
    jobId,
    priority: toBullPriority(record.priority),
    attempts: record.retryConfig.maxAttempts,
    backoff: { type: RIPTIDE_BACKOFF, options: record.retryConfig } as JobOptions['backoff'],
    delay: delay > 0 ? delay : undefined,
    removeOnComplete: { age: retention.completedTtlSecs },
    removeOnFail: { age: retention.failedTtlSecs },
  };
}

/**
 * The job options as bull stores them in the job hash (`opts`): what bull's Job constructor makes
 * of them (attempts and delay defaulted, the timestamp added), JSON.
 */
export function storedBullOptions(opts: JobOptions, timestamp: number): string {
  return JSON.stringify({
    ...opts,
    attempts: opts.attempts ?? 1,
    delay: opts.delay ?? 0,
    timestamp,
  });
}

/**
 * What a listing reads instead of the stored data when the job carries a PDF: the same data with
 * the document replaced by its decoded size (`pdfDataBytes`), so a page of jobs never loads
 * megabytes. Null when the data is small anyway.
 */
export function buildCompactView(data: StoredJobData): string | null {
  const jobType = data.record.jobType;
  if (jobType.type !== 'pdf_extraction' || !jobType.pdfData) return null;
  const { pdfData, ...rest } = jobType;
  const compact: StoredJobData = {
    ...data,
    record: {
      ...data.record,
      jobType: { ...rest, pdfDataBytes: Buffer.byteLength(pdfData, 'base64') },
    },
  };
  return JSON.stringify(compact);
}

const toDate = (ms: string | null): Date | null => (ms ? new Date(Number(ms)) : null);

/** Decodes the job-view script's reply into a JobView. */
export function decodeJobView(jobId: string, reply: (string | null)[]): JobView {
  const [
    place,
    delayScore,
    data,
    timestamp,
    processedOn,
    finishedOn,
    attempts,
    failedReason,
    progress,
    worker,
    outcome,
    priority,
    returnvalue,
  ] = reply;
  const { record } = JSON.parse(data ?? '{}') as StoredJobData;
  const failure = decodeJobFailure(failedReason);
  const attemptsMade = Number(attempts ?? 0);
  const status = deriveStatus(
    place as BullPlace,
    attemptsMade,
    (outcome as RecordedOutcome) || null,
  );
  const finished =
    status === 'Completed' ||
    status === 'Failed' ||
    status === 'DeadLetter' ||
    status === 'Cancelled';
  const startedAt = toDate(processedOn);
  const completedAt = finished ? toDate(finishedOn) : null;
  let processingTimeMs: number | null =
    status === 'Completed' ? (parseStoredResult(returnvalue)?.processingTimeMs ?? null) : null;
  if (processingTimeMs === null && finished && startedAt && completedAt)
    processingTimeMs = Math.max(0, completedAt.getTime() - startedAt.getTime());
  const retryConfig: RetryConfig = record.retryConfig;
  return {
    jobId,
    tenant: record.tenant ?? DEFAULT_TENANT,
    status,
    jobType: record.jobType,
    priority: priority ? fromBullPriority(Number(priority)) : record.priority,
    createdAt: new Date(Number(timestamp)),
    scheduledAt: record.scheduledAt ? new Date(record.scheduledAt) : null,
    startedAt,
    completedAt,
    workerId: worker || null,
    // Executions beyond the first that have happened or are scheduled.
    retryCount:
      finished && status !== 'Completed' && status !== 'Cancelled'
        ? Math.max(0, attemptsMade - 1)
        : attemptsMade,
    attemptsMade,
    maxAttempts: retryConfig.maxAttempts,
    lastError: failure?.message ?? null,
    lastErrorCode: failure?.errorCode ?? null,
    failureData: failure?.data ?? null,
    processingTimeMs,
    nextRetryAt:
      status === 'Retrying' && delayScore
        ? new Date(Math.floor(Number(delayScore) / 0x1000))
        : null,
    progress: parseProgress(progress),
    metadata: record.metadata,
    timeoutSecs: record.timeoutSecs,
    retryConfig,
    webhook: record.webhook ?? null,
  };
}

function parseProgress(raw: string | null): JsonValue {
  if (!raw) return 0;
  try {
    return JSON.parse(raw) as JsonValue;
  } catch {
    return 0;
  }
}
