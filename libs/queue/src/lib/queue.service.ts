import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { JobNotFoundError } from './errors/job-not-found.error';
import { JobResultUnavailableError } from './errors/job-result-unavailable.error';
import { JobStateConflictError } from './errors/job-state-conflict.error';
import { JobValidationError } from './errors/job-validation.error';
import { JobEvents } from './job-events.service';
import { StoredResult, buildBullOptions, buildJobRecord, bullJobName, decodeJobView, normaliseSearch, parseStoredResult } from './model/job-codec.util';
import { BullPlace, RecordedOutcome, deriveStatus } from './model/job-status.util';
import {
  FINISHED_STATUSES,
  JobListPage,
  JobListQuery,
  JobResultView,
  JobStatus,
  JobSubmission,
  JobView,
  QueueCounts,
} from './model/job.interface';
import { FieldNamer, validateJobSubmission } from './model/job-validation.util';
import { DEFAULT_TENANT, TenantScope, isValidTenant } from './model/tenant.util';
import { ResolvedQueueOptions } from './queue-options.interface';
import { QUEUE_REDIS, RESOLVED_QUEUE_OPTIONS, RIPTIDE_QUEUE_NAME } from './queue.constants';
import { QueueMessages } from './queue.messages';
import { QueueKeys } from './redis/queue-keys';
import { whenReady, withRedisDeadline } from './redis/redis-guard.util';
import { ScriptedRedis } from './scripts/queue-scripts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Jobs examined per listing script call: small enough to keep Redis responsive. */
const LIST_CHUNK_SIZE = 500;
export const MAX_LIST_LIMIT = 500;
export const DEFAULT_LIST_LIMIT = 50;

export interface SubmittedJob {
  jobId: string;
  submittedAt: Date;
  status: JobStatus;
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

/**
 * The producer side of the queue: submit, inspect, cancel and replay jobs. Every read goes to
 * Redis (no per-process copies) and fails fast with QueueUnavailableError when Redis is away.
 */
@Injectable()
export class QueueService implements OnModuleInit {
  readonly keys: QueueKeys;

  constructor(
    @Inject(RESOLVED_QUEUE_OPTIONS) private readonly options: ResolvedQueueOptions,
    @InjectQueue(RIPTIDE_QUEUE_NAME) private readonly queue: Queue,
    @Inject(QUEUE_REDIS) private readonly redis: ScriptedRedis,
    private readonly events: JobEvents,
  ) {
    this.keys = new QueueKeys(options.prefix, options.queueName);
  }

  /** Waits (bounded) for the first connection so the app is usable once booted. */
  async onModuleInit(): Promise<void> {
    const bound = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
    if ((await Promise.race([whenReady(this.redis), bound])) === 'timeout') {
      new Logger('QueueService').warn('Redis is not reachable yet; requests answer 503 until it is');
      return;
    }
    await this.backfillTenantIndex().catch((error: unknown) =>
      // Not fatal: the next boot tries again; until then only `default`'s view of old jobs is short.
      new Logger('QueueService').warn(`could not index jobs stored before tenants: ${(error as Error)?.message ?? String(error)}`),
    );
  }

  /** Every problem of a submission against the SPEC and this queue's limits (empty = valid). */
  validate(submission: JobSubmission, fieldName?: FieldNamer): string[] {
    return validateJobSubmission(submission, this.options.limits, fieldName);
  }

  /**
   * Validates and enqueues a job for `submission.tenant` (default `default`); throws
   * JobValidationError listing every problem.
   */
  async submit(submission: JobSubmission, fieldName?: FieldNamer): Promise<SubmittedJob> {
    const now = Date.now();
    const problems = validateJobSubmission(submission, this.options.limits, fieldName, now);
    if (problems.length) throw new JobValidationError(problems);
    const jobId = randomUUID();
    const record = buildJobRecord(jobId, submission);
    const tenant = record.tenant ?? DEFAULT_TENANT;
    const opts = buildBullOptions(jobId, record, this.options, now);
    await this.guard(() =>
      Promise.all([
        // Indexes first: a listing skips ids whose job does not exist, never the other way round.
        this.redis
          .multi()
          .zadd(this.keys.index, now, jobId)
          .zadd(this.keys.tenantIndex(tenant), now, jobId)
          .sadd(this.keys.tenants, tenant)
          .exec()
          .then(failedReply),
        this.queue.add(bullJobName(record.jobType), { searchText: record.searchText, record }, { ...opts, timestamp: now } as never),
      ]),
    );
    this.events.emit({ kind: 'submitted', jobId, jobType: record.jobType.type });
    return { jobId, submittedAt: new Date(now), status: opts.delay ? 'Delayed' : 'Pending' };
  }

  /**
   * The job's current state, read fresh from Redis. With `scope.tenant`, another tenant's job
   * throws the same JobNotFoundError as an unknown id.
   */
  async getJob(jobId: string, scope?: TenantScope): Promise<JobView> {
    const view = await this.findJob(jobId, scope);
    if (!view) throw new JobNotFoundError(jobId);
    return view;
  }

  /** As getJob, but null instead of JobNotFoundError. */
  async findJob(jobId: string, scope?: TenantScope): Promise<JobView | null> {
    return (await this.readJob(jobId, scope))?.view ?? null;
  }

  /** One round trip: the job's view and, when completed, what its attempt returned. */
  private async readJob(jobId: string, scope?: TenantScope): Promise<{ view: JobView; returned: StoredResult | null } | null> {
    const tenant = scriptTenant(scope);
    if (!UUID.test(jobId) || tenant === null) return null;
    const reply = (await this.guard(() => this.redis.riptideJobView(...this.viewKeys(jobId), jobId, tenant))) as (string | null)[] | null;
    return reply ? { view: decodeJobView(jobId, reply), returned: parseStoredResult(reply[12]) } : null;
  }

  /**
   * Newest first; `total` counts every match, not just the page. With `query.tenant` only that
   * tenant's index is walked, so the work is proportional to its jobs, not the whole queue's.
   */
  async listJobs(query: JobListQuery): Promise<JobListPage> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_LIST_LIMIT, 1), MAX_LIST_LIMIT);
    const offset = Math.max(query.offset ?? 0, 0);
    const pageIds: string[] = [];
    let total = 0;
    await this.walkIndex(query, (id, status) => {
      if (query.status && status !== query.status) return;
      if (total >= offset && pageIds.length < limit) pageIds.push(id);
      total++;
    });
    const scope: TenantScope = { tenant: query.tenant };
    const views = await Promise.all(pageIds.map((id) => this.findJob(id, scope)));
    return { jobs: views.filter((v): v is JobView => v !== null), total, limit, offset };
  }

  /**
   * Walks an index newest first, chunk by chunk (one script call each, filtered inside Redis),
   * handing every matching job's id and status to `visit`: the global index, or the tenant's own
   * index when `filter.tenant` is set. A tenant that cannot exist matches nothing.
   */
  private async walkIndex(
    filter: Pick<JobListQuery, 'tenant' | 'jobType' | 'search'>,
    visit: (jobId: string, status: JobStatus) => void,
  ): Promise<void> {
    const tenant = scriptTenant(filter);
    if (tenant === null) return;
    const index = tenant ? this.keys.tenantIndex(tenant) : this.keys.index;
    const needle = filter.search ? normaliseSearch(filter.search) : '';
    let start = 0;
    while (start >= 0) {
      const reply = (await this.guard(() =>
        this.redis.riptideListChunk(
          index,
          this.keys.bull('completed'),
          this.keys.bull('failed'),
          this.keys.bull('delayed'),
          this.keys.bull('active'),
          this.keys.base,
          start,
          LIST_CHUNK_SIZE,
          filter.jobType ?? '',
          needle,
          tenant,
        ),
      )) as (string | number)[];
      start = Number(reply[0]);
      for (let i = 1; i < reply.length; i += 4)
        visit(String(reply[i]), deriveStatus(reply[i + 1] as BullPlace, Number(reply[i + 2]), (reply[i + 3] as RecordedOutcome) || null));
    }
  }

  /**
   * The result of a finished job while it is kept; JobResultUnavailableError says why not.
   * Another tenant's job (with `scope.tenant`) is JobNotFoundError, as an unknown id.
   */
  async getResult(jobId: string, scope?: TenantScope): Promise<JobResultView> {
    const found = await this.readJob(jobId, scope);
    if (!found) throw new JobNotFoundError(jobId);
    const { view, returned } = found;
    if (!FINISHED_STATUSES.includes(view.status))
      throw new JobResultUnavailableError(jobId, QueueMessages.resultNotReady(jobId, view.status));
    const expired = () => new JobResultUnavailableError(jobId, QueueMessages.resultExpired(jobId, this.options.resultTtlSecs));
    if (view.status === 'Completed') {
      if (!returned || Date.now() - returned.completedAt > this.options.resultTtlSecs * 1000) throw expired();
      let stored = returned;
      if (returned.external) {
        const external = parseStoredResult(await this.guard(() => this.redis.get(this.keys.result(jobId))));
        if (!external) throw expired();
        stored = external;
      }
      return {
        jobId,
        jobType: view.jobType.type,
        success: true,
        data: stored.data,
        error: null,
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
      data: null,
      error: view.lastError ?? QueueMessages.cancelled,
      processingTimeMs: view.processingTimeMs ?? 0,
      workerId: view.workerId,
      completedAt,
    };
  }

  /**
   * Cancels a job: a queued one is taken off the queue at once, a running one is aborted by the
   * process running it. Either way it ends Cancelled. A finished job is a conflict. Another
   * tenant's job (with `scope.tenant`) is JobNotFoundError and stays untouched: the script checks
   * the owner before it changes anything.
   */
  async cancel(jobId: string, scope?: TenantScope): Promise<{ jobId: string; status: 'Cancelled' }> {
    const tenant = scriptTenant(scope);
    if (!UUID.test(jobId) || tenant === null) throw new JobNotFoundError(jobId);
    const k = this.keys;
    const outcome = (await this.guard(() =>
      this.redis.riptideCancel(
        k.job(jobId),
        k.bull('wait'),
        k.bull('paused'),
        k.bull('delayed'),
        k.bull('priority'),
        k.bull('completed'),
        k.bull('failed'),
        k.bull('active'),
        k.cancelledSet,
        jobId,
        Date.now(),
        k.cancelChannel,
        tenant,
      ),
    )) as string;
    if (outcome === 'missing') throw new JobNotFoundError(jobId);
    if (outcome === 'completed' || outcome === 'failed') {
      const view = await this.getJob(jobId, scope);
      if (view.status !== 'Cancelled') throw new JobStateConflictError(jobId, view.status, QueueMessages.cannotCancel(jobId, view.status));
    }
    if (outcome === 'cancelled') {
      const view = await this.findJob(jobId);
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
    if (before.status !== 'Failed' && before.status !== 'DeadLetter' && before.status !== 'Cancelled')
      throw new JobStateConflictError(jobId, before.status, QueueMessages.cannotReplay(jobId, before.status));
    const k = this.keys;
    const outcome = (await this.guard(() =>
      this.redis.riptideReplay(
        k.job(jobId),
        k.bull('failed'),
        k.bull('wait'),
        k.bull('paused'),
        k.bull('meta-paused'),
        k.bull('priority'),
        k.cancelledSet,
        k.nonRetryableSet,
        k.result(jobId),
        jobId,
        tenant,
      ),
    )) as string;
    if (outcome === 'missing') throw new JobNotFoundError(jobId);
    const after = await this.getJob(jobId, scope);
    if (outcome !== 'replayed') throw new JobStateConflictError(jobId, after.status, QueueMessages.cannotReplay(jobId, after.status));
    return after;
  }

  /**
   * Job counts by status: across the whole queue, or with `scope.tenant` only that tenant's jobs.
   * The whole queue is counted from bull's sets; a tenant's count walks its index (O(its jobs)),
   * deriving each status exactly as the listing does.
   */
  async counts(scope?: TenantScope): Promise<QueueCounts> {
    if (scope?.tenant !== undefined) return this.tenantCounts(scope.tenant);
    const k = this.keys;
    const oldestKept = Date.now() - this.options.failedTtlSecs * 1000;
    const reply = (await this.guard(() =>
      this.redis.riptideCounts(
        k.bull('wait'),
        k.bull('paused'),
        k.bull('active'),
        k.bull('delayed'),
        k.bull('completed'),
        k.bull('failed'),
        k.cancelledSet,
        k.nonRetryableSet,
        k.base,
        oldestKept,
      ),
    )) as number[];
    const [pending, processing, delayed, retry, completed, failedSet, cancelled, failed] = reply;
    const deadLetter = Math.max(0, failedSet - cancelled - failed);
    return {
      pending,
      processing,
      completed,
      failed,
      retry,
      delayed,
      deadLetter,
      cancelled,
      total: pending + processing + delayed + retry + completed + failedSet,
    };
  }

  private async tenantCounts(tenant: string): Promise<QueueCounts> {
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
    await this.walkIndex({ tenant }, (_, status) => {
      counts[COUNT_FIELD[status]]++;
      counts.total++;
    });
    return counts;
  }

  /** Removes finished jobs older than `olderThanSecs` and index entries of jobs already gone. */
  async removeFinishedOlderThan(olderThanSecs: number): Promise<{ completed: number; failed: number; indexEntries: number }> {
    const graceMs = Math.max(0, olderThanSecs) * 1000;
    const [completed, failed] = await Promise.all([
      this.queue.clean(graceMs, 'completed', 0),
      this.queue.clean(graceMs, 'failed', 0),
    ]);
    if (failed.length) {
      const ids = failed.map((job) => String(job.id));
      await Promise.all([this.redis.zrem(this.keys.cancelledSet, ...ids), this.redis.zrem(this.keys.nonRetryableSet, ...ids)]);
    }
    const indexEntries = await this.pruneIndex();
    return { completed: completed.length, failed: failed.length, indexEntries };
  }

  /**
   * Drops index entries whose job was removed by retention, from the global index and every
   * tenant's index; keeps memory bounded. Returns the number of entries dropped (all indexes).
   */
  async pruneIndex(batch = 1000): Promise<number> {
    const tenants = (await this.redis.smembers(this.keys.tenants)).filter(isValidTenant);
    const indexes = [this.keys.index, ...tenants.map((tenant) => this.keys.tenantIndex(tenant))];
    const removed = await Promise.all(indexes.map((index) => this.pruneOneIndex(index, batch)));
    return removed.reduce((sum, n) => sum + n, 0);
  }

  /** The oldest `batch` entries of one index: those whose job hash is gone are dropped. */
  private async pruneOneIndex(index: string, batch: number): Promise<number> {
    const ids = await this.redis.zrange(index, 0, batch - 1);
    if (!ids.length) return 0;
    const exists = await Promise.all(ids.map((id) => this.redis.exists(this.keys.job(id))));
    const gone = ids.filter((_, i) => exists[i] === 0);
    return gone.length ? this.redis.zrem(index, ...gone) : 0;
  }

  /**
   * Once per queue: puts jobs stored before tenants existed into the `default` tenant's index
   * (they read as `default`), so that tenant's listing and counts include them. Idempotent, so
   * processes booting together may both run it. Jobs submitted afterwards are indexed at submit.
   */
  private async backfillTenantIndex(): Promise<void> {
    const k = this.keys;
    if (await this.guard(() => this.redis.exists(k.tenantBackfillDone))) return;
    let cursor = '0';
    do {
      const from = cursor;
      cursor = String(
        await this.guard(() =>
          this.redis.riptideBackfillTenantStep(k.index, k.tenantIndex(DEFAULT_TENANT), k.tenants, k.base, from, LIST_CHUNK_SIZE),
        ),
      );
    } while (cursor !== '0');
    await this.guard(() => this.redis.set(k.tenantBackfillDone, String(Date.now())));
  }

  /** Round-trip time to Redis in milliseconds. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.guard(() => this.redis.ping());
    return performance.now() - started;
  }

  private viewKeys(jobId: string): string[] {
    const k = this.keys;
    return [k.job(jobId), k.bull('completed'), k.bull('failed'), k.bull('delayed'), k.bull('active')];
  }

  private guard<T>(operation: () => Promise<T>): Promise<T> {
    return withRedisDeadline(this.redis, this.options.commandTimeoutMs, operation);
  }
}

/** A MULTI whose command failed rejects like a plain command would, instead of resolving. */
function failedReply(replies: [Error | null, unknown][] | null): void {
  const error = replies?.find(([e]) => e)?.[0];
  if (error) throw error;
}
