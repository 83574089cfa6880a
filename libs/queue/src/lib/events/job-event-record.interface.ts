import type { JobStatus, JsonValue } from '../model/job.interface';
import { JOB_STATUSES } from '../model/job.interface';

/** Entries each tenant's event log keeps (approximately: the log is trimmed with `MAXLEN ~`). */
export const EVENT_LOG_LENGTH = 10000;

/** What happened to a job: the snake_case of its new status, or `progress`. */
export const JOB_EVENT_KINDS = [
  'pending',
  'delayed',
  'processing',
  'retrying',
  'completed',
  'failed',
  'dead_letter',
  'cancelled',
  'progress',
] as const;
export type JobEventKind = (typeof JOB_EVENT_KINDS)[number];

/** One job event as the queue's scripts record it (see QueueKeys.eventLog and eventChannel). */
export interface JobEventRecord {
  /** The tenant log's stream entry id (`<ms>-<seq>`); absent in a log entry's own JSON. */
  id?: string;
  job: string;
  tenant: string;
  /** The bull job name: the job type, or `custom:<job_name>`. */
  name: string;
  /** The job's status after the event. */
  status: JobStatus;
  event: JobEventKind;
  /** Unix ms. */
  at: number;
  /** Only with `event: "progress"`. */
  progress?: JsonValue;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The event in `json`, or null when it is not one (a reader skips what it cannot read). */
export function parseJobEventRecord(json: string): JobEventRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  const { id, job, tenant, name, status, event, at } = value;
  if (
    typeof job !== 'string' ||
    typeof tenant !== 'string' ||
    typeof name !== 'string' ||
    !(JOB_STATUSES as readonly unknown[]).includes(status) ||
    !(JOB_EVENT_KINDS as readonly unknown[]).includes(event) ||
    typeof at !== 'number' ||
    (id !== undefined && typeof id !== 'string')
  )
    return null;
  return value as unknown as JobEventRecord;
}
