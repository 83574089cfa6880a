// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../scripts/bull-internals.d.ts" />
import type Bull from 'bull';
import backoffs from 'bull/lib/backoffs';
import bullScripts from 'bull/lib/scripts';
import { RecordedOutcome } from '../model/job-status.util';
import { encodeJobFailure } from '../model/job-failure.util';
import { JsonValue } from '../model/job.interface';
import { QueueMessages } from '../queue.messages';
import { QueueKeys } from '../redis/queue-keys';
import { ScriptedRedis } from '../scripts/queue-scripts';

/**
 * How an attempt ended, as its finishing script decided: `lost` when the job's lock was no longer
 * this worker's (another worker took the job over), and then nothing of this attempt was written.
 */
export type AttemptEnd =
  { kind: 'completed' } | { kind: RecordedOutcome | 'retrying'; error: Error } | { kind: 'lost' };

export interface FencedAttemptOptions {
  client: ScriptedRedis;
  keys: QueueKeys;
  resultTtlSecs: number;
  /** What a failure of this attempt means: a final outcome, or null when another attempt follows. */
  outcomeOf(error: Error): RecordedOutcome | null;
  /** Told once the attempt's end is written (or found lost), so events follow what Redis holds. */
  onEnd(end: AttemptEnd): void;
}

type NextJob = [Record<string, string>, string] | null;

/**
 * One attempt of a job, every write of which is fenced by the job's lock (attempt.script.ts):
 * its progress and end (its start, the worker it runs on, is recorded by bull's move to active:
 * see worker-lock-token.util.ts).
 *
 * bull ends an attempt by calling moveToCompleted or moveToFailed on the job it handed to the
 * processor (Queue.processJob, bull 4). Those two are replaced on that job by the fenced scripts,
 * which do what bull's would (the same keys and arguments, built by bull's own helpers, and bull's
 * move scripts inside) plus our writes and checks, in one script: the same round trips as bull.
 */
export class FencedAttempt {
  private externalResult = '';

  constructor(
    private readonly job: Bull.Job,
    private readonly options: FencedAttemptOptions,
  ) {
    job.moveToCompleted = (returnValue, _ignoreLock, notFetch) =>
      this.complete(returnValue, notFetch ?? false);
    job.moveToFailed = (error) => this.fail(error as Error);
  }

  private get jobId(): string {
    return String(this.job.id);
  }

  /** The lock token of this worker's queue: what bull's moveToActive wrote in the job's lock. */
  private get token(): string {
    return (this.job.queue as unknown as { token: string }).token;
  }

  /** As bull's job.progress(), written only while the lock is this worker's. Returns whether it was. */
  async reportProgress(progress: JsonValue): Promise<boolean> {
    const { client, keys } = this.options;
    const event = JSON.stringify({ jobId: this.jobId, progress });
    const written = await client.riptideAttemptProgress(
      keys.job(this.jobId),
      `${keys.base}progress`,
      this.token,
      JSON.stringify(progress),
      event,
    );
    return written === 1;
  }

  /** The result JSON to keep under its own key (too large for the job hash), written on completion. */
  keepResultApart(json: string): void {
    this.externalResult = json;
  }

  private async complete(returnValue: unknown, notFetch: boolean): Promise<NextJob> {
    const { client, keys, resultTtlSecs } = this.options;
    const job = this.job;
    job.finishedOn = Date.now();
    const completed = bullScripts.moveToFinishedArgs(
      job,
      JSON.stringify(returnValue),
      'returnvalue',
      job.opts.removeOnComplete,
      'completed',
      false,
      notFetch,
    );
    // Beside them, what the same step needs should a cancel be pending: bull's keys and keep-jobs
    // for failed.
    const reply = await client.riptideCompleteAttempt(
      ...completed.slice(0, 9),
      keys.bull('failed'),
      keys.bull('metrics:failed'),
      keys.result(this.jobId),
      ...withTextKeepJobs(completed.slice(9)),
      this.externalResult,
      resultTtlSecs,
      QueueMessages.cancelled,
      ...keepJobsArgs(job.opts.removeOnFail),
      job.attemptsMade + 1,
      ...keepJobsArgs(job.opts.removeOnComplete),
    );
    if (reply[0] === 'lost') {
      this.options.onEnd({ kind: 'lost' });
      return null;
    }
    throwOnBullError(reply[1], this.jobId);
    job.returnvalue = returnValue;
    this.options.onEnd(
      reply[0] === 'cancelled'
        ? { kind: 'Cancelled', error: new Error(QueueMessages.cancelled) }
        : { kind: 'completed' },
    );
    return nextJobOf(reply[1]);
  }

  private async fail(error: Error | undefined): Promise<NextJob> {
    const failure = error ?? new Error('Unknown reason');
    const { client } = this.options;
    const job = this.job;
    const attemptsMade = job.attemptsMade + 1;
    let stacktrace = [...(job.stacktrace ?? []), ...(failure.stack ? [failure.stack] : [])];
    if (job.opts.stackTraceLimit) stacktrace = stacktrace.slice(-job.opts.stackTraceLimit);
    let outcome = this.options.outcomeOf(failure);
    let delayedScore: string | number = 0;
    if (!outcome) {
      const queue = job.queue as Bull.Queue & { settings: { backoffStrategies?: unknown } };
      const backoff = job.opts.backoff as { options?: unknown } | undefined;
      const delay = await backoffs.calculate(
        backoff,
        attemptsMade,
        queue.settings.backoffStrategies,
        failure,
        backoff?.options ?? null,
      );
      // bull's meaning of -1: no more retries.
      if (delay === -1) outcome = 'DeadLetter';
      else
        delayedScore = bullScripts.moveToDelayedArgs(
          queue,
          this.jobId,
          Date.now() + Math.max(1, delay ?? 0),
          false,
        )[4];
    }
    job.finishedOn = Date.now();
    // The message, with the code and data the error declares (a batch's per-URL outcomes) beside it.
    const failedReason = encodeJobFailure(failure);
    const args = bullScripts.moveToFinishedArgs(
      job,
      failedReason,
      'failedReason',
      job.opts.removeOnFail,
      'failed',
      false,
      true,
    );
    const reply = await client.riptideFailAttempt(
      ...withTextKeepJobs(args),
      JSON.stringify(stacktrace),
      attemptsMade,
      outcome ?? '',
      delayedScore,
      QueueMessages.cancelled,
      ...keepJobsArgs(job.opts.removeOnFail),
    );
    if (reply[0] === 'lost') {
      this.options.onEnd({ kind: 'lost' });
      return null;
    }
    throwOnBullError(reply[1], this.jobId);
    job.attemptsMade = attemptsMade;
    job.stacktrace = stacktrace;
    job.failedReason = failedReason;
    this.options.onEnd({ kind: reply[0], error: failure });
    return null;
  }
}

/**
 * bull's keep-jobs option (removeOnComplete / removeOnFail) as the count and age the finishing
 * scripts pack for bull's move ("" = unset), the way bull's moveToFinishedArgs reads it.
 */
export function keepJobsArgs(
  keep: boolean | number | Bull.KeepJobsOptions | undefined,
): [count: string, age: string] {
  if (typeof keep === 'object' && keep !== null)
    return [String(keep.count ?? ''), String(keep.age ?? '')];
  if (typeof keep === 'number') return [String(keep), ''];
  return [keep ? '0' : '-1', ''];
}

/**
 * bull's moveToFinished keys and arguments with its packed keep-jobs (ARGV[6], their only Buffer)
 * left empty: the finishing scripts pack it from keepJobsArgs, so the whole command stays text.
 */
function withTextKeepJobs(bullArgs: (string | number | Buffer)[]): (string | number)[] {
  return bullArgs.map((arg) => (Buffer.isBuffer(arg) ? '' : arg));
}

/** bull's move scripts answer a negative code when the job was not where they expect it. */
function throwOnBullError(code: unknown, jobId: string): void {
  if (typeof code === 'number' && code < 0)
    throw new Error(`job ${jobId} could not be moved (bull code ${code})`);
}

/** bull's raw2jobData: the next job moveToFinished fetched, as bull's processJob expects it. */
function nextJobOf(raw: unknown): NextJob {
  if (!Array.isArray(raw) || !Array.isArray(raw[0]) || raw[0].length === 0) return null;
  const fields = raw[0] as string[];
  const data: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) data[fields[i]] = fields[i + 1];
  return [data, String(raw[1])];
}
