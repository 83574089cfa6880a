import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { JobNotFoundError } from './errors/job-not-found.error';
import { JobResultUnavailableError } from './errors/job-result-unavailable.error';
import { JobStateConflictError } from './errors/job-state-conflict.error';
import { JobValidationError } from './errors/job-validation.error';
import { TenantQuotaError } from './errors/tenant-quota.error';
import { JobEvents } from './job-events.service';
import {
  StoredJobData,
  StoredResult,
  buildBullOptions,
  buildCompactView,
  buildJobRecord,
  bullJobName,
  decodeJobView,
  normaliseSearch,
  parseStoredResult,
  storedBullOptions,
} from './model/job-codec.util';
import {
  FINISHED_STATUSES,
  JOB_STATUSES,
  JobListPage,
  JobListQuery,
  JobResultView,
  JobStatus,
  JobSubmission,
  JobView,
  QueueCounts,
  REPLAYABLE_STATUSES,
  UNFINISHED_STATUSES,
} from './model/job.interface';
import { FieldNamer, validateJobSubmission } from './model/job-validation.util';
import { DEFAULT_TENANT, TenantScope, isValidTenant } from './model/tenant.util';
import { webhookKindsField } from './model/webhook-outbox.util';
import { ResolvedQueueOptions } from './queue-options.interface';
import { QUEUE_REDIS, RESOLVED_QUEUE_OPTIONS, RIPTIDE_QUEUE_NAME } from './queue.constants';
import { QueueMessages } from './queue.messages';
import { QueueKeys } from './redis/queue-keys';
import { HandledJobTypes } from './worker/handled-job-types.service';
import { waitForReplicas, whenReady, withRedisDeadline } from '@riptide/redis';
import { ScriptedPipeline, ScriptedRedis, SubmitReply, ViewReply } from './scripts/queue-scripts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What a `jobType` list filter may be: a type, or `custom:<job_name>` (JOB_NAME_PATTERN). */
const JOB_TYPE_FILTER = /^[A-Za-z0-9_.:-]{1,160}$/;
/** Index entries a filtered walk (search, or status and type together) examines per script call: small enough to keep Redis responsive. */
const SCAN_CHUNK_SIZE = 1000;
/** Index entries one reconciliation step re-derives (a few ms of Redis time). */
const RECONCILE_BATCH = 500;
/** Finished jobs removed per script call by removeFinishedOlderThan. */
const CLEAN_BATCH = 1000;
/** Fields per job in the view scripts' replies (VIEW_ROW in queue-scripts.ts). */
const VIEW_ROW_LENGTH = 14;
export const MAX_LIST_LIMIT = 500;
export const DEFAULT_LIST_LIMIT = 50;

export interface SubmittedJob {
  jobId: string;
  submittedAt: Date;
  status: JobStatus;
  /** True when the job id was already this tenant's job: that job is reported, nothing was added. */
  existing?: boolean;
}

/** How one submission is made (submit). */
export interface SubmitOptions {
  /**
   * The job's id, a UUID the caller chose (say, derived from an idempotency key). Submitting an id
   * that exists already reports that job (`existing: true`) instead of adding another. Default: a
   * fresh random UUID.
   */
  jobId?: string;
  /**
   * The tenant's unfinished-jobs quota: with that many Pending, Delayed, Processing or Retrying
   * jobs already, the submission is refused with TenantQuotaError. Default: no quota.
   */
  maxActiveJobs?: number;
}

/** How a bulk submission is made (submitBulk). */
export interface BulkSubmitOptions {
  /** As SubmitOptions.maxActiveJobs, checked item by item. */
  maxActiveJobs?: number;
  /** One id per item (same order, same length), as SubmitOptions.jobId. Default: fresh UUIDs. */
  jobIds?: string[];
}

/** One item of a bulk submission, at its `index` in the input: accepted, or why not. */
export type BulkItemOutcome =
  | ({ index: number } & SubmittedJob)
  | { index: number; error: JobValidationError | TenantQuotaError };

/** A valid submission, ready for the submit script. */
interface PreparedSubmission {
  jobId: string;
  tenant: string;
  jobType: JobSubmission['jobType']['type'];
  now: number;
  quota: number | undefined;
  fieldName: FieldNamer;
  /** KEYS then ARGV of riptideSubmit. */
  args: (string | number)[];
}

/** Where a status lands in QueueCounts. */
const COUNT_FIELD: Record<JobStatus, Exclude<keyof QueueCounts, 'total'>> = {
  Pending: 'pending',
  Delayed: 'delayed',
  Processing: 'processing',
  Retrying: 'retry',
  Completed: 'completed',
  Failed: 'failed',
  DeadLetter: 'deadLetter',
  Cancelled: 'cancelled',
};

/**
 * The tenant a script filters on: '' for every tenant, else the scope's tenant, or null when the
 * scope names a tenant that cannot exist (it owns nothing, so the caller answers "not found"
 * without asking Redis, and a malformed name never reaches a key).
 */
function scriptTenant(scope: TenantScope | undefined): string | null {
  if (scope?.tenant === undefined) return '';
  return isValidTenant(scope.tenant) ? scope.tenant : null;
}

/** The job rows of a view script's reply from `start` on (VIEW_ROW): id, and view or null. */
function decodeRows(
  reply: ViewReply,
  start: number,
): { jobId: string; view: JobView | null; returned: StoredResult | null }[] {
  const rows = [];
  for (let i = start; i + VIEW_ROW_LENGTH <= reply.length; i += VIEW_ROW_LENGTH) {
    const jobId = String(reply[i]);
    const fields = reply
      .slice(i + 1, i + VIEW_ROW_LENGTH)
      .map((value) => (value === null ? null : String(value)));
    rows.push(
      fields[0] === 'missing'
        ? { jobId, view: null, returned: null }
        : { jobId, view: decodeJobView(jobId, fields), returned: parseStoredResult(fields[12]) },
    );
  }
  return rows;
}

/**
 * The producer side of the queue: submit, inspect, cancel and replay jobs. Every read goes to
 * Redis (no per-process copies) and fails fast with QueueUnavailableError when Redis is away.
 *
 * Redis work per call, whatever the number of retained jobs (N = jobs in the index read):
 * - submit: O(log N) (one script: the add, ~10 index entries, the quota's 4 ZCARDs);
 *   submitBulk: the same per item, all items in one MULTI (one round trip);
 * - getJob / findJob / getResult: O(1) (plus O(running jobs) for the place in `active`);
 * - listJobs without `search`: O(log N + page), any mix of status / type / tenant filters,
 *   `total` included (one ZCARD); with `search`: O(jobs of the filtered index scanned), reading
 *   only each job's small rt_search and worker fields, never its data;
 * - counts / counts({tenant}) / unfinishedCount: O(1) (ZCARDs);
 * - every transition (ours or bull's): O(log N) to move ~4-6 index entries, in the same script.
 */
/** How getJob and findJob read a job. */
export interface JobReadOptions {
  /**
   * Leave a PDF job's document out of the view (`jobType.pdfDataBytes` instead), for callers that
   * do not show it: the document can be megabytes. Default false.
   */
  compact?: boolean;
}

@Injectable()
export class QueueService implements OnModuleInit {
  readonly keys: QueueKeys;
  private readonly logger = new Logger('QueueService');

  constructor(
    @Inject(RESOLVED_QUEUE_OPTIONS) private readonly options: ResolvedQueueOptions,
    @InjectQueue(RIPTIDE_QUEUE_NAME) private readonly queue: Queue,
    @Inject(QUEUE_REDIS) private readonly redis: ScriptedRedis,
    private readonly events: JobEvents,
    private readonly handledTypes: HandledJobTypes,
  ) {
    this.keys = new QueueKeys(options.prefix, options.queueName);
  }

  /** Waits (bounded) for the first connection so the app is usable once booted. */
  async onModuleInit(): Promise<void> {
    const bound = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), 5000).unref(),
    );
    if ((await Promise.race([whenReady(this.redis), bound])) === 'timeout') {
      this.logger.warn('Redis is not reachable yet; requests answer 503 until it is');
      return;
    }
    await this.indexStoredJobs().catch((error: unknown) =>
      // Not fatal: the next boot tries again, and the background reconciliation indexes them meanwhile.
      this.logger.warn(
        `could not index jobs stored before the listing indexes: ${(error as Error)?.message ?? String(error)}`,
      ),
    );
  }

  /** Every problem of a submission against the SPEC and this queue's limits (empty = valid). */
  validate(submission: JobSubmission, fieldName?: FieldNamer): string[] {
    return validateJobSubmission(submission, this.options.limits, fieldName);
  }

  /**
   * Validates and enqueues a job for `submission.tenant` (default `default`): the job and its
   * listing entries are written in one atomic step, with the quota check (see SubmitOptions).
   * Throws JobValidationError listing every problem, or TenantQuotaError. An `options.jobId` that
   * exists already answers that job with `existing: true`. A custom job_name that no worker of this
   * queue has ever registered is one of the problems (see HandledJobTypes).
   */
  async submit(
    submission: JobSubmission,
    fieldName?: FieldNamer,
    options: SubmitOptions = {},
  ): Promise<SubmittedJob> {
    const [unhandled] = await this.handlerProblems([submission]);
    const prepared = this.prepare(
      submission,
      fieldName,
      Date.now(),
      options.jobId,
      options.maxActiveJobs,
      '',
      unhandled,
    );
    if (prepared instanceof JobValidationError) throw prepared;
    const reply = await this.guard(() => this.redis.riptideSubmit(...prepared.args));
    await waitForReplicas(this.redis, this.options.replicaWait);
    const outcome = this.settle(prepared, reply);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /**
   * Validates every item on its own and submits the valid ones together: one MULTI of one script
   * call per item (one round trip, applied all at once), each as atomic as `submit`, the quota
   * checked item by item. Returns one outcome per item, in input order: the job, or the
   * JobValidationError / TenantQuotaError that refused it. A Redis failure rejects the whole call,
   * and then none of the items was submitted.
   */
  async submitBulk(
    items: JobSubmission[],
    fieldName?: FieldNamer,
    options: BulkSubmitOptions = {},
  ): Promise<BulkItemOutcome[]> {
    const { jobIds, maxActiveJobs } = options;
    if (jobIds && jobIds.length !== items.length)
      throw new RangeError(`jobIds has ${jobIds.length} ids for ${items.length} items`);
    const now = Date.now();
    const outcomes: BulkItemOutcome[] = new Array(items.length);
    const batch: { index: number; prepared: PreparedSubmission }[] = [];
    const unhandled = await this.handlerProblems(items);
    items.forEach((item, index) => {
      // Thousandths of a millisecond (what a double keeps at this magnitude) order the batch's
      // newest-first listing as the input; beyond 1000 items, the ties go by id.
      const prepared = this.prepare(
        item,
        fieldName,
        now,
        jobIds?.[index],
        maxActiveJobs,
        `.${String(Math.min(index, 999)).padStart(3, '0')}`,
        unhandled[index],
      );
      if (prepared instanceof JobValidationError) outcomes[index] = { index, error: prepared };
      else batch.push({ index, prepared });
    });
    if (!batch.length) return outcomes;
    const replies = await this.guard(async () => {
      const multi = this.redis.multi() as unknown as ScriptedPipeline;
      for (const { prepared } of batch) multi.riptideSubmit(...prepared.args);
      const results = await multi.exec();
      if (!results) throw new Error('the bulk submission transaction was aborted');
      return results.map(([error, reply]) => {
        if (error) throw error;
        return reply as SubmitReply;
      });
    });
    await waitForReplicas(this.redis, this.options.replicaWait);
    batch.forEach(({ index, prepared }, i) => {
      const outcome = this.settle(prepared, replies[i]);
      outcomes[index] =
        outcome instanceof Error ? { index, error: outcome } : { index, ...outcome };
    });
    return outcomes;
  }

  /**
   * Per submission, the problem of a job type no worker can run (a custom job_name that no worker
   * of this queue has registered), or nothing. Asked before a submission is written; the scheduler
   * asks it of a schedule's template too.
   */
  handlerProblems(submissions: Pick<JobSubmission, 'jobType'>[]): Promise<string[][]> {
    return this.handledTypes.problems(submissions.map((submission) => submission?.jobType));
  }

  /** Unfinished jobs (Pending, Delayed, Processing, Retrying) of a tenant: what its quota counts. O(1). */
  async unfinishedCount(tenant: string): Promise<number> {
    if (!isValidTenant(tenant)) return 0;
    const counts = await this.cardinalities(
      UNFINISHED_STATUSES.map((status) => this.keys.listIndex(tenant, status, '*')),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /** A submission checked and encoded for the submit script, or every problem found. */
  private prepare(
    submission: JobSubmission,
    fieldName: FieldNamer | undefined,
    now: number,
    requestedId: string | undefined,
    maxActiveJobs: number | undefined,
    scoreFraction: string,
    unhandled: string[],
  ): PreparedSubmission | JobValidationError {
    const name: FieldNamer = fieldName ?? ((path) => path);
    const problems = validateJobSubmission(submission, this.options.limits, name, now);
    if (requestedId !== undefined && !UUID.test(requestedId))
      problems.push(`${name('jobId')} ${QueueMessages.jobIdNotUuid}`);
    problems.push(...unhandled);
    if (problems.length) return new JobValidationError(problems);
    const jobId = requestedId?.toLowerCase() ?? randomUUID();
    const record = buildJobRecord(jobId, submission);
    const tenant = record.tenant ?? DEFAULT_TENANT;
    const opts = buildBullOptions(jobId, record, this.options, now);
    const data: StoredJobData = { searchText: record.searchText, record };
    const quota = maxActiveJobs === undefined ? undefined : Math.max(0, Math.floor(maxActiveJobs));
    const k = this.keys;
    const args = [
      ...[
        k.bull('wait'),
        k.bull('paused'),
        k.bull('meta-paused'),
        k.bull('id'),
        k.bull('delayed'),
        k.bull('priority'),
      ],
      jobId,
      bullJobName(record.jobType),
      JSON.stringify(data),
      storedBullOptions(opts, now),
      now,
      opts.delay ?? 0,
      opts.priority ?? 0,
      (this.queue as unknown as { token: string }).token,
      tenant,
      quota ?? '',
      record.searchText,
      buildCompactView(data) ?? '',
      `${now}${scoreFraction}`,
      record.webhook ? webhookKindsField(record.webhook) : '',
      record.webhook?.url ?? '',
    ];
    return { jobId, tenant, jobType: record.jobType.type, now, quota, fieldName: name, args };
  }

  /** The submit script's answer as what the caller gets. */
  private settle(
    prepared: PreparedSubmission,
    reply: SubmitReply,
  ): SubmittedJob | JobValidationError | TenantQuotaError {
    const { jobId, tenant, now } = prepared;
    switch (reply[0]) {
      case 'created':
        this.events.emit({ kind: 'submitted', jobId, jobType: prepared.jobType });
        return { jobId, submittedAt: new Date(now), status: reply[1] };
      case 'exists':
        return { jobId, submittedAt: new Date(Number(reply[2])), status: reply[1], existing: true };
      case 'quota':
        return new TenantQuotaError(tenant, Number(reply[1]), prepared.quota ?? 0);
      default:
        return new JobValidationError([
          `${prepared.fieldName('jobId')} ${QueueMessages.jobIdTaken}`,
        ]);
    }
  }

  /**
   * The job's current state, read fresh from Redis. With `scope.tenant`, another tenant's job
   * throws the same JobNotFoundError as an unknown id.
   */
  async getJob(jobId: string, scope?: TenantScope, options?: JobReadOptions): Promise<JobView> {
    const view = await this.findJob(jobId, scope, options);
    if (!view) throw new JobNotFoundError(jobId);
    return view;
  }

  /** As getJob, but null instead of JobNotFoundError. */
  async findJob(
    jobId: string,
    scope?: TenantScope,
    options?: JobReadOptions,
  ): Promise<JobView | null> {
    return (await this.readJob(jobId, scope, options?.compact))?.view ?? null;
  }

  /**
   * One round trip: the job's view and, when completed, what its attempt returned. `compact`
   * leaves a PDF job's document out of the view (`jobType.pdfDataBytes` instead), for callers
   * that do not show it.
   */
  private async readJob(
    jobId: string,
    scope?: TenantScope,
    compact = false,
  ): Promise<{ view: JobView; returned: StoredResult | null } | null> {
    const tenant = scriptTenant(scope);
    if (!UUID.test(jobId) || tenant === null) return null;
    const reply = await this.guard(() =>
      this.redis.riptideJobViews(tenant, compact ? '1' : '0', jobId),
    );
    const [row] = decodeRows(reply, 0);
    return row?.view ? { view: row.view, returned: row.returned } : null;
  }

  /**
   * Newest first; `total` counts every match, not just the page. Filtered by status or by type
   * (and tenant), this reads one listing index: O(log N + page) and one round trip. With both a
   * status and a type, or with `search`, it walks the smaller index that applies, checking the
   * other filters per entry (never reading job data): O(entries walked).
   * Views of a page leave a PDF job's document out (`jobType.pdfDataBytes` instead).
   */
  async listJobs(query: JobListQuery): Promise<JobListPage> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_LIST_LIMIT, 1), MAX_LIST_LIMIT);
    const offset = Math.max(query.offset ?? 0, 0);
    const tenant = scriptTenant(query);
    if (tenant === null || (query.jobType !== undefined && !JOB_TYPE_FILTER.test(query.jobType)))
      return { jobs: [], total: 0, limit, offset };
    const byStatus = this.keys.listIndex(tenant || '*', query.status ?? '*', '*');
    const byType = this.keys.listIndex(tenant || '*', '*', query.jobType ?? '*');
    if (!query.search && (query.status === undefined || query.jobType === undefined)) {
      const index = query.status === undefined ? byType : byStatus;
      const reply = await this.guard(() =>
        this.redis.riptideListPage(index, offset, limit, tenant),
      );
      const jobs = decodeRows(reply, 1).flatMap((row) => (row.view ? [row.view] : []));
      return { jobs, total: Number(reply[0]), limit, offset };
    }
    const [walked, also] = await this.walkOrder(
      query.status === undefined ? byType : byStatus,
      query.jobType === undefined ? byStatus : byType,
    );
    const needle = query.search ? normaliseSearch(query.search) : '';
    const pageIds: string[] = [];
    let total = 0;
    for (let start = 0; start >= 0;) {
      const reply = await this.guard(() =>
        this.redis.riptideScanChunk(walked, also, start, SCAN_CHUNK_SIZE, needle),
      );
      start = Number(reply[0]);
      for (const id of reply.slice(1)) {
        if (total >= offset && pageIds.length < limit) pageIds.push(String(id));
        total++;
      }
    }
    if (!pageIds.length) return { jobs: [], total, limit, offset };
    const reply = await this.guard(() => this.redis.riptideJobViews(tenant, '1', ...pageIds));
    const jobs = decodeRows(reply, 0).flatMap((row) => (row.view ? [row.view] : []));
    return { jobs, total, limit, offset };
  }

  /** The smaller of two listing indexes first: a filtered walk goes through it and checks the other. */
  private async walkOrder(a: string, b: string): Promise<[string, string]> {
    if (a === b) return [a, b];
    const [sizeA, sizeB] = await this.cardinalities([a, b]);
    return sizeA <= sizeB ? [a, b] : [b, a];
  }

  /**
   * The result of a finished job while it is kept; JobResultUnavailableError says why not.
   * Another tenant's job (with `scope.tenant`) is JobNotFoundError, as an unknown id.
   */
  async getResult(jobId: string, scope?: TenantScope): Promise<JobResultView> {
    const found = await this.readJob(jobId, scope, true);
    if (!found) throw new JobNotFoundError(jobId);
    const { view, returned } = found;
    if (!FINISHED_STATUSES.includes(view.status))
      throw new JobResultUnavailableError(jobId, QueueMessages.resultNotReady(jobId, view.status));
    const expired = () =>
      new JobResultUnavailableError(
        jobId,
        QueueMessages.resultExpired(jobId, this.options.resultTtlSecs),
      );
    if (view.status === 'Completed') {
      if (!returned || Date.now() - returned.completedAt > this.options.resultTtlSecs * 1000)
        throw expired();
      let stored = returned;
      if (returned.external) {
        const external = parseStoredResult(
          await this.guard(() => this.redis.get(this.keys.result(jobId))),
        );
        if (!external) throw expired();
        stored = external;
      }
      return {
        jobId,
        jobType: view.jobType.type,
        success: true,
        data: stored.data,
        error: null,
        errorCode: null,
        processingTimeMs: stored.processingTimeMs,
        workerId: stored.workerId,
        completedAt: new Date(stored.completedAt),
      };
    }
    const completedAt = view.completedAt ?? new Date();
    if (Date.now() - completedAt.getTime() > this.options.resultTtlSecs * 1000) throw expired();
    return {
      jobId,
      jobType: view.jobType.type,
      success: false,
      data: view.failureData,
      error: view.lastError ?? QueueMessages.cancelled,
      errorCode: view.lastErrorCode ?? (view.status === 'Cancelled' ? 'cancelled' : null),
      processingTimeMs: view.processingTimeMs ?? 0,
      workerId: view.workerId,
      completedAt,
    };
  }

  /**
   * Cancels a job: a queued one is taken off the queue at once, a running one is aborted by the
   * process running it. Either way it ends Cancelled: the answer is only Cancelled once that is
   * settled in Redis. For a running job the cancel script marks it, and whatever ends that attempt
   * (its completion, its failure, a worker taking it over) checks the mark in the same script and
   * ends it Cancelled (attempt.script.ts), so a completion racing the cancel cannot win. A job that
   * finished first is a conflict carrying its real status. Another tenant's job (with
   * `scope.tenant`) is JobNotFoundError and stays untouched: the script checks the owner before it
   * changes anything.
   */
  async cancel(
    jobId: string,
    scope?: TenantScope,
  ): Promise<{ jobId: string; status: 'Cancelled' }> {
    const tenant = scriptTenant(scope);
    if (!UUID.test(jobId) || tenant === null) throw new JobNotFoundError(jobId);
    const k = this.keys;
    const outcome = await this.guard(() =>
      this.redis.riptideCancel(
        k.job(jobId),
        k.bull('wait'),
        k.bull('paused'),
        k.bull('delayed'),
        k.bull('priority'),
        k.bull('completed'),
        k.bull('failed'),
        k.bull('active'),
        jobId,
        Date.now(),
        k.cancelChannel,
        tenant,
      ),
    );
    if (outcome === 'missing') throw new JobNotFoundError(jobId);
    // Finished first, or (`unknown`) in none of bull's lists: the answer is the status it has.
    if (outcome === 'completed' || outcome === 'failed' || outcome === 'unknown') {
      const view = await this.getJob(jobId, scope);
      if (view.status !== 'Cancelled')
        throw new JobStateConflictError(
          jobId,
          view.status,
          QueueMessages.cannotCancel(jobId, view.status),
        );
    }
    if (outcome === 'cancelled') {
      const view = (await this.readJob(jobId, undefined, true))?.view;
      if (view) this.events.emit({ kind: 'cancelled', jobId, jobType: view.jobType.type });
    }
    return { jobId, status: 'Cancelled' };
  }

  /**
   * Runs a DeadLetter, Failed or Cancelled job again with a fresh attempt budget. Another
   * tenant's job (with `scope.tenant`) is JobNotFoundError and stays untouched.
   */
  async replay(jobId: string, scope?: TenantScope): Promise<JobView> {
    const tenant = scriptTenant(scope);
    if (tenant === null) throw new JobNotFoundError(jobId);
    const before = await this.getJob(jobId, scope);
    if (!REPLAYABLE_STATUSES.includes(before.status))
      throw new JobStateConflictError(
        jobId,
        before.status,
        QueueMessages.cannotReplay(jobId, before.status),
      );
    const k = this.keys;
    const outcome = await this.guard(() =>
      this.redis.riptideReplay(
        k.job(jobId),
        k.bull('failed'),
        k.bull('wait'),
        k.bull('paused'),
        k.bull('meta-paused'),
        k.bull('priority'),
        jobId,
        tenant,
      ),
    );
    if (outcome === 'missing') throw new JobNotFoundError(jobId);
    const after = await this.getJob(jobId, scope);
    if (outcome !== 'replayed')
      throw new JobStateConflictError(
        jobId,
        after.status,
        QueueMessages.cannotReplay(jobId, after.status),
      );
    return after;
  }

  /**
   * Job counts by status: across the whole queue, or with `scope.tenant` only that tenant's jobs.
   * Eight ZCARDs of the listing indexes in one MULTI (a consistent snapshot): O(1).
   */
  async counts(scope?: TenantScope): Promise<QueueCounts> {
    const counts: QueueCounts = {
      pending: 0,
      processing: 0,
      completed: 0,
      failed: 0,
      retry: 0,
      delayed: 0,
      deadLetter: 0,
      cancelled: 0,
      total: 0,
    };
    const tenant = scriptTenant(scope);
    if (tenant === null) return counts;
    const cards = await this.cardinalities(
      JOB_STATUSES.map((status) => this.keys.listIndex(tenant || '*', status, '*')),
    );
    JOB_STATUSES.forEach((status, i) => {
      counts[COUNT_FIELD[status]] = cards[i];
      counts.total += cards[i];
    });
    return counts;
  }

  /** ZCARD of each key, read in one MULTI. */
  private async cardinalities(keys: string[]): Promise<number[]> {
    const multi = this.redis.multi();
    for (const key of keys) multi.zcard(key);
    const replies = await this.guard(() => multi.exec());
    return (replies ?? []).map(([error, n]) => {
      if (error) throw error;
      return Number(n);
    });
  }

  /**
   * Removes finished jobs older than `olderThanSecs`, a batch per script call (Redis stays
   * responsive however many there are); their index entries and external results go with them,
   * in the same scripts. `indexEntries`: entries of jobs removed behind the indexes' back that one
   * reconciliation step found.
   */
  async removeFinishedOlderThan(
    olderThanSecs: number,
  ): Promise<{ completed: number; failed: number; indexEntries: number }> {
    const graceMs = Math.max(0, olderThanSecs) * 1000;
    const clean = async (status: 'completed' | 'failed') => {
      let removed = 0;
      for (;;) {
        const batch = await this.guard(() => this.queue.clean(graceMs, status, CLEAN_BATCH));
        removed += batch.length;
        if (batch.length < CLEAN_BATCH) return removed;
      }
    };
    const completed = await clean('completed');
    const failed = await clean('failed');
    const { dropped } = await this.reconcileIndexes();
    return { completed, failed, indexEntries: dropped };
  }

  /**
   * One bounded step of the background reconciliation of the listing indexes (the worker runtime
   * runs one every few seconds): re-derives the status of the next `batch` jobs of the global
   * index, where the previous step stopped (shared by every process), and repairs what drifted: a
   * job moved by a process that runs bull without these scripts, a job removed behind the
   * indexes' back. `changed`: jobs re-filed or indexed; `dropped`: removed jobs taken out.
   */
  async reconcileIndexes(batch = RECONCILE_BATCH): Promise<{ changed: number; dropped: number }> {
    const k = this.keys;
    const cursor = (await this.guard(() => this.redis.get(k.reconcileCursor))) ?? '0';
    const [next, changed, dropped] = await this.guard(() =>
      this.redis.riptideReconcileStep(cursor, batch),
    );
    await this.guard(() => this.redis.set(k.reconcileCursor, next));
    return { changed, dropped };
  }

  /**
   * Once per queue: indexes the jobs stored before the listing indexes existed (one reconciliation
   * pass over the global index, bounded per call; jobs stored before tenants read as `default`),
   * then deletes the structures they replace. Idempotent, so processes booting together may both
   * run it; jobs moved meanwhile are indexed by the script that moves them.
   */
  private async indexStoredJobs(): Promise<void> {
    const k = this.keys;
    if (await this.guard(() => this.redis.exists(k.indexesReady))) return;
    let cursor = '0';
    let changed = 0;
    do {
      const from = cursor;
      const reply = await this.guard(() => this.redis.riptideReconcileStep(from, RECONCILE_BATCH));
      cursor = reply[0];
      changed += reply[1];
    } while (cursor !== '0');
    await this.guard(() => this.redis.del(...k.legacyKeys));
    await this.guard(() => this.redis.set(k.indexesReady, String(Date.now())));
    if (changed) this.logger.log(`indexed ${changed} job(s) stored before the listing indexes`);
  }

  /** Round-trip time to Redis in milliseconds. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.guard(() => this.redis.ping());
    return performance.now() - started;
  }

  private guard<T>(operation: () => Promise<T>): Promise<T> {
    return withRedisDeadline(this.redis, this.options.commandTimeoutMs, operation);
  }
}
