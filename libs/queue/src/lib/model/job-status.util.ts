import { JOB_STATUSES, JobStatus } from './job.interface';

/** Extra spellings accepted by the list filter besides the status names in any case. */
const STATUS_ALIASES: Record<string, JobStatus> = {
  dead_letter: 'DeadLetter',
  deadletter: 'DeadLetter',
  retry: 'Retrying',
  retrying: 'Retrying',
  delayed: 'Delayed',
  waiting: 'Pending',
  queued: 'Pending',
  active: 'Processing',
  running: 'Processing',
  canceled: 'Cancelled',
};

export function parseStatus(input: string): JobStatus | undefined {
  const lower = input.trim().toLowerCase();
  return JOB_STATUSES.find((s) => s.toLowerCase() === lower) ?? STATUS_ALIASES[lower];
}

/** Where bull keeps a job, as read by the job-view script. */
export type BullPlace = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';

/** The outcome a worker records on the job hash when a job ends without completing. */
export type RecordedOutcome = 'Failed' | 'DeadLetter' | 'Cancelled';

/**
 * Maps bull's place plus our recorded outcome to a SPEC status. A failed job without a
 * recorded outcome was failed by bull itself (stalled too often): its attempts are spent.
 */
export function deriveStatus(
  place: BullPlace,
  attemptsMade: number,
  outcome: RecordedOutcome | null,
): JobStatus {
  switch (place) {
    case 'completed':
      return 'Completed';
    case 'failed':
      return outcome ?? 'DeadLetter';
    case 'active':
      return 'Processing';
    case 'delayed':
      return attemptsMade > 0 ? 'Retrying' : 'Delayed';
    case 'waiting':
      return attemptsMade > 0 ? 'Retrying' : 'Pending';
  }
}
