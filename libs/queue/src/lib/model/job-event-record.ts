import { JOB_STATUSES, JobStatus, JsonValue } from './job.interface';

/** What an event says happened: the status a job moved to (snake case), or progress it reported. */
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

/**
 * One job event as the event scripts write it (job-events.script.ts): in a tenant's event log,
 * where the log entry's id is the event id, or on the event channel and in the outbox, with `id`.
 */
export interface JobEventRecord {
  /** The event id: the entry's id in the tenant's event log (`<ms>-<seq>`), ordered. */
  id: string;
  job: string;
  tenant: string;
  /** The bull job name: a job type, or `custom:<name>`. */
  name: string;
  /** The job's status after the event. */
  status: JobStatus;
  event: JobEventKind;
  /** When it happened, in Unix ms (Redis's clock). */
  at: number;
  /** Only in a `progress` event: what the handler reported. */
  progress?: JsonValue;
}

const EVENT_ID_PATTERN = /^\d{1,20}-\d{1,20}$/;
const isKind = (v: unknown): v is JobEventKind => JOB_EVENT_KINDS.includes(v as JobEventKind);
const isStatus = (v: unknown): v is JobStatus => JOB_STATUSES.includes(v as JobStatus);

/** The largest part of a stream entry id Redis accepts (an unsigned 64-bit integer). */
const MAX_ID_PART = 18446744073709551615n;

/** Whether `id` has the form of an event id (a stream entry id, `<ms>-<seq>`), each part in range. */
export function isJobEventId(id: string): boolean {
  if (!EVENT_ID_PATTERN.test(id)) return false;
  const dash = id.indexOf('-');
  return BigInt(id.slice(0, dash)) <= MAX_ID_PART && BigInt(id.slice(dash + 1)) <= MAX_ID_PART;
}

/**
 * Orders two event ids as the log does: by their two integers (they do not sort as text, and the
 * milliseconds exceed what a double holds exactly only in the year 287,000, so Number is enough).
 */
export function compareJobEventIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(Number);
  const [bMs, bSeq] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}

/**
 * Parses an event's JSON; `id` is the log entry's id for an event read from the log (its JSON
 * carries none). Returns null for anything that is not a well-formed event.
 */
export function parseJobEventRecord(json: string, id?: string): JobEventRecord | null {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const eventId = id ?? raw['id'];
  if (typeof eventId !== 'string' || !isJobEventId(eventId)) return null;
  const { job, tenant, name, status, event, at } = raw;
  if (typeof job !== 'string' || typeof tenant !== 'string' || typeof name !== 'string')
    return null;
  if (!isStatus(status) || !isKind(event) || typeof at !== 'number') return null;
  const record: JobEventRecord = { id: eventId, job, tenant, name, status, event, at };
  if (event === 'progress') record.progress = (raw['progress'] ?? null) as JsonValue;
  return record;
}

/** An event's job type on the wire: `custom:<name>` → `{type: custom, job_name}`, else `{type}`. */
export interface EventJobType {
  type: string;
  job_name?: string;
}

/** The wire job type of an event's bull job name (as a submission's `job_type` names it). */
export function eventJobType(name: string): EventJobType {
  if (name.startsWith('custom:')) return { type: 'custom', job_name: name.slice('custom:'.length) };
  return { type: name };
}
