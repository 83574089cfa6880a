import type { WorkFixture } from './fixture';
import { sleep } from './processes';

/** One submission the load generator made, and what the API answered. */
export interface Submission {
  /** Unique per job; the fixture URL carries it, so the fixture's count is per job. */
  key: string;
  sentAt: number;
  /** Set when the API acknowledged the submission (200 with a job_id). */
  jobId?: string;
  /** Set when the first answer was an error: status and message, or the network failure. */
  error?: string;
  /** The request body, kept so that the client can resend it after the fault. */
  body: string;
  /**
   * After a first error the client resends the same body with the same Idempotency-Key once the
   * fault is over: `replayed` (the error had in fact created the job), `new` (created now), or the
   * error of the resend.
   */
  retried?: 'replayed' | 'new' | string;
}

/**
 * The client-side record of a fault run, kept outside the service on purpose: what was
 * acknowledged is what the service promised to keep, whatever its own storage says later.
 */
export class Ledger {
  readonly submissions: Submission[] = [];

  begin(key: string, body: string): Submission {
    const submission: Submission = { key, sentAt: Date.now(), body };
    this.submissions.push(submission);
    return submission;
  }

  get accepted(): Submission[] {
    return this.submissions.filter((s) => s.jobId);
  }

  /** Submissions whose first answer was an error (some acknowledged later on a resend). */
  get refused(): Submission[] {
    return this.submissions.filter((s) => s.error);
  }

  /** Error answers grouped by reason, most frequent first: `503 Queue storage ... ×12`. */
  errorSummary(limit = 4): string[] {
    const counts = new Map<string, number>();
    for (const s of this.refused) counts.set(s.error!, (counts.get(s.error!) ?? 0) + 1);
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([reason, n]) => `${reason} ×${n}`);
  }
}

const TERMINAL = new Set(['Completed', 'Failed', 'DeadLetter', 'Cancelled']);
const QUEUED = new Set(['Pending', 'Delayed', 'Retrying']);

/** What became of every acknowledged job, checked against the service and the fixture. */
export interface Audit {
  accepted: number;
  refused: number;
  completed: number;
  failed: number;
  deadLetter: number;
  cancelled: number;
  /** Pending / Delayed / Retrying at the end of the settle period: not lost, not done. */
  queued: number;
  /** Acknowledged, but the service answers 404. */
  unknown: number;
  /** Still Processing after the settle period: nobody is running it any more. */
  stuck: number;
  /** Status could not be read at all at the end. */
  unreadable: number;
  /** Acknowledged jobs whose URL the fixture served more than once. */
  runTwice: number;
  /** Extra fetches beyond the first, over all acknowledged jobs. */
  extraRuns: number;
  /** Submissions whose first answer was an error although the job was created. */
  createdDespiteError: number;
  /** ... of which the error was an HTTP error status (a definite "no"), not a cut connection. */
  createdDespiteErrorStatus: number;
  /** Resends with the same Idempotency-Key that created a second job for the same submission. */
  duplicatesFromResend: number;
  /** Outcomes of the resends: replayed / new / error. */
  resent: { replayed: number; fresh: number; failed: number };
  /** Completed jobs the fixture never saw (impossible unless a result was invented). */
  completedUnseen: number;
  /** Last errors of failed / dead-lettered jobs, grouped. */
  failureReasons: string[];
  /** A few job ids per kind of loss, for the report. */
  examples: string[];
  settleMs: number;
}

export const lostOf = (audit: Audit) => audit.unknown + audit.stuck + audit.unreadable;

interface StatusRead {
  status?: string;
  lastError?: string;
  httpStatus?: number;
}

async function readStatus(api: string, jobId: string): Promise<StatusRead> {
  try {
    const res = await fetch(`${api}/workers/jobs/${jobId}`, { signal: AbortSignal.timeout(5000) });
    if (res.status === 200) {
      const body = (await res.json()) as { status: string; last_error?: string | null };
      return { status: body.status, lastError: body.last_error ?? undefined, httpStatus: 200 };
    }
    return { httpStatus: res.status };
  } catch {
    return {};
  }
}

/**
 * Polls every acknowledged job until all are terminal (or answer 404) or `settleMs` has passed,
 * then classifies them. `api` is read on every round, since a fault may have restarted the API.
 */
export async function auditLedger(
  api: () => string,
  ledger: Ledger,
  fixture: WorkFixture,
  settleMs: number,
): Promise<Audit> {
  const accepted = ledger.accepted;
  const reads = new Map<string, StatusRead>();
  let open = accepted.map((s) => s.jobId!);
  const started = Date.now();
  const deadline = started + settleMs;
  for (;;) {
    const next: string[] = [];
    let cursor = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (cursor < open.length) {
          const jobId = open[cursor++];
          const read = await readStatus(api(), jobId);
          reads.set(jobId, read);
          const final = (read.status && TERMINAL.has(read.status)) || read.httpStatus === 404;
          if (!final) next.push(jobId);
        }
      }),
    );
    open = next;
    if (!open.length || Date.now() > deadline) break;
    await sleep(500);
  }
  const audit: Audit = {
    accepted: accepted.length,
    refused: ledger.refused.length,
    completed: 0,
    failed: 0,
    deadLetter: 0,
    cancelled: 0,
    queued: 0,
    unknown: 0,
    stuck: 0,
    unreadable: 0,
    runTwice: 0,
    extraRuns: 0,
    createdDespiteError: 0,
    createdDespiteErrorStatus: 0,
    duplicatesFromResend: 0,
    resent: { replayed: 0, fresh: 0, failed: 0 },
    completedUnseen: 0,
    failureReasons: [],
    examples: [],
    settleMs: Date.now() - started,
  };
  const reasons = new Map<string, number>();
  // How often the fixture served each unfinished job: shows whether a job that "stalled" ever ran.
  const fetchesOf = new Map<string, number[]>();
  const example = (kind: string, s: Submission) => {
    if (audit.examples.filter((e) => e.startsWith(kind)).length < 3)
      audit.examples.push(
        `${kind}: job ${s.jobId} (${s.key}, acknowledged ${new Date(s.sentAt).toISOString()})`,
      );
  };
  for (const s of accepted) {
    const read = reads.get(s.jobId!) ?? {};
    const hits = fixture.hits.get(s.key) ?? 0;
    if (hits > 1) {
      audit.runTwice++;
      audit.extraRuns += hits - 1;
    }
    switch (read.status) {
      case 'Completed':
        audit.completed++;
        if (hits === 0) {
          audit.completedUnseen++;
          example('completed-unseen', s);
        }
        break;
      case 'Failed':
      case 'DeadLetter':
        if (read.status === 'Failed') audit.failed++;
        else audit.deadLetter++;
        {
          const reason = `${read.status}: ${read.lastError ?? '?'}`;
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
          fetchesOf.set(reason, [...(fetchesOf.get(reason) ?? []), hits]);
          example(read.status, s);
        }
        break;
      case 'Cancelled':
        audit.cancelled++;
        break;
      case 'Processing':
        audit.stuck++;
        example('stuck', s);
        break;
      default:
        if (read.status && QUEUED.has(read.status)) audit.queued++;
        else if (read.httpStatus === 404) {
          audit.unknown++;
          example('unknown', s);
        } else {
          audit.unreadable++;
          example(`unreadable(${read.httpStatus ?? 'no answer'})`, s);
        }
    }
  }
  for (const s of ledger.refused) {
    const hits = fixture.hits.get(s.key) ?? 0;
    if (s.retried === 'replayed') audit.resent.replayed++;
    else if (s.retried === 'new') audit.resent.fresh++;
    else audit.resent.failed++;
    // A replay proves the first request created the job; a new job plus a second fetch shows two jobs.
    const created = s.retried === 'replayed' || (s.retried === 'new' ? hits >= 2 : hits >= 1);
    if (created) {
      audit.createdDespiteError++;
      if (/^5\d\d /.test(s.error ?? '')) audit.createdDespiteErrorStatus++;
    }
    if (s.retried === 'new' && hits >= 2) audit.duplicatesFromResend++;
  }
  audit.failureReasons = [...reasons.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => {
      const fetches = new Map<number, number>();
      for (const h of fetchesOf.get(reason) ?? []) fetches.set(h, (fetches.get(h) ?? 0) + 1);
      const spread = [...fetches.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([h, c]) => `${c} fetched ${h}×`)
        .join(', ');
      return `${reason} ×${n} (${spread})`;
    });
  return audit;
}
