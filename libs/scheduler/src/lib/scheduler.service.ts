import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_RETRY_CONFIG,
  DEFAULT_TENANT,
  FieldNamer,
  JobSubmission,
  JobType,
  JobValidationError,
  JsonObject,
  QueueService,
  RetryConfig,
  TenantScope,
  inTenantScope,
  waitForReplicas,
  withRedisDeadline,
} from '@riptide/queue';
import { checkCron, canonicalTimezone, nextSlot } from './cron/cron-schedule.util';
import { ScheduleConflictError } from './errors/schedule-conflict.error';
import { ScheduleLimitError } from './errors/schedule-limit.error';
import { TenantScheduleQuotaError } from './errors/tenant-schedule-quota.error';
import { ScheduleNotFoundError } from './errors/schedule-not-found.error';
import { ScheduleValidationError } from './errors/schedule-validation.error';
import { SchedulerKeys } from './redis/scheduler-keys';
import { ScriptedSchedulerRedis } from './redis/scheduler-scripts';
import {
  OVERLAP_POLICIES,
  ScheduleDefinition,
  ScheduleFire,
  ScheduleInput,
  ScheduleUpdate,
  ScheduledJob,
} from './schedule.interface';
import { ResolvedSchedulerOptions } from './scheduler-options.interface';
import { DEFAULT_TIMEZONE, RESOLVED_SCHEDULER_OPTIONS, RUNNING_STATUSES, SCHEDULER_REDIS, SCHEDULER_RUNNER_REDIS } from './scheduler.constants';
import { SchedulerMessages } from './scheduler.messages';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NAME_LENGTH = 200;
/** Due schedules handled per look; the rest are handled on the next one, a moment later. */
const DUE_BATCH = 200;
/** Optimistic retries of a PATCH that raced another change. */
const UPDATE_ATTEMPTS = 10;

/** Options of SchedulerService.create. */
export interface ScheduleCreateOptions {
  /** The id to create the schedule under (a UUID the caller chose, for idempotent retries). Default: a new one. */
  id?: string;
  /** Most schedules the tenant may have (TENANT_MAX_SCHEDULES or the key's own); checked in the same atomic step. */
  maxSchedulesOfTenant?: number;
}

/** What a fire needs from a claim: the definition as it was when the slot was claimed. */
interface Claimed {
  id: string;
  slot: number | null;
  count: number;
  def: ScheduleDefinition;
  member: string;
}

/**
 * Schedules in Redis (the single source of truth: every process reads them fresh) and the
 * primitives that fire them exactly once per slot. The fire loop itself is ScheduleRunner.
 */
@Injectable()
export class SchedulerService {
  readonly keys: SchedulerKeys;
  private readonly logger = new Logger('SchedulerService');

  constructor(
    @Inject(RESOLVED_SCHEDULER_OPTIONS) private readonly options: ResolvedSchedulerOptions,
    @Inject(SCHEDULER_REDIS) private readonly redis: ScriptedSchedulerRedis,
    @Inject(SCHEDULER_RUNNER_REDIS) private readonly runnerRedis: ScriptedSchedulerRedis | null,
    private readonly queue: QueueService,
  ) {
    this.keys = new SchedulerKeys(options.prefix);
  }

  /** Every problem of a definition (empty = valid); `fieldName` maps camelCase paths for messages. */
  validate(input: ScheduleInput, fieldName: FieldNamer = (path) => path, now = Date.now()): string[] {
    const problems: string[] = [];
    const add = (path: string, problem: string) => problems.push(`${fieldName(path)} ${problem}`);
    if (typeof input.name !== 'string' || !input.name.trim()) add('name', SchedulerMessages.mustBeNonEmpty);
    else if (input.name.length > MAX_NAME_LENGTH) add('name', SchedulerMessages.tooLong(MAX_NAME_LENGTH));
    const zone = input.timezone === undefined ? DEFAULT_TIMEZONE : canonicalTimezone(input.timezone);
    if (!zone) add('timezone', SchedulerMessages.unknownTimezone(String(input.timezone)));
    if (typeof input.cronExpression !== 'string') add('cronExpression', SchedulerMessages.mustBeNonEmpty);
    else
      for (const problem of checkCron(input.cronExpression, zone ?? DEFAULT_TIMEZONE, this.options.minIntervalSecs, now).problems)
        add('cronExpression', problem);
    if (input.overlap !== undefined && !OVERLAP_POLICIES.includes(input.overlap)) add('overlap', SchedulerMessages.badOverlap);
    const templateName: FieldNamer = (path) => fieldName(path.replace(/^jobType/, 'jobTemplate'));
    problems.push(...this.queue.validate(this.submissionOf(input, {}), templateName));
    return problems;
  }

  /** Creates a schedule; its first slot is the first one after now. `fieldName` as in validate. */
  async create(input: ScheduleInput, fieldName?: FieldNamer, options: ScheduleCreateOptions = {}): Promise<ScheduledJob> {
    const now = Date.now();
    await this.assertValid(input, now, fieldName, true);
    const def = this.definitionOf(input);
    const enabled = input.enabled ?? true;
    if (options.id !== undefined && !UUID.test(options.id)) throw new ScheduleValidationError([SchedulerMessages.badId(options.id)]);
    const id = options.id ?? randomUUID();
    const nextAt = enabled ? nextSlot(def.cronExpression, def.timezone, now) : null;
    const created = await this.guard(() =>
      this.redis.schedCreate(
        this.keys.index,
        this.keys.schedule(id),
        this.keys.due,
        id,
        JSON.stringify(def),
        now,
        enabled ? '1' : '0',
        nextAt ?? '',
        this.options.maxSchedules,
        def.tenant,
        options.maxSchedulesOfTenant ?? '',
        this.keys.scheduleBase,
      ),
    );
    await waitForReplicas(this.redis, this.options.replicaWait);
    if (created === 0) throw new ScheduleLimitError(this.options.maxSchedules);
    if (created === -1) throw new TenantScheduleQuotaError(def.tenant, options.maxSchedulesOfTenant ?? 0);
    // 2: a schedule with this id exists already (the caller's retry); it is answered as it stands.
    return this.get(id, { tenant: def.tenant });
  }

  /** Every schedule, oldest first; with `scope.tenant` only that tenant's. */
  async list(scope?: TenantScope): Promise<ScheduledJob[]> {
    const ids = await this.guard(() => this.redis.zrange(this.keys.index, 0, -1));
    if (!ids.length) return [];
    const hashes = await this.guard(() => Promise.all(ids.map((id) => this.redis.hgetall(this.keys.schedule(id)))));
    const schedules = ids.flatMap((id, i) => (hashes[i]['def'] ? [decodeSchedule(id, hashes[i])] : []));
    return schedules.filter((schedule) => inTenantScope(schedule.tenant, scope));
  }

  /** A schedule; another tenant's (with `scope.tenant`) is ScheduleNotFoundError, as an unknown id. */
  async get(id: string, scope?: TenantScope): Promise<ScheduledJob> {
    const found = await this.find(id, scope);
    if (!found) throw new ScheduleNotFoundError(id);
    return found;
  }

  /** As get, but null instead of ScheduleNotFoundError. */
  async find(id: string, scope?: TenantScope): Promise<ScheduledJob | null> {
    if (!UUID.test(id)) return null;
    const hash = await this.guard(() => this.redis.hgetall(this.keys.schedule(id)));
    if (!hash['def']) return null;
    const schedule = decodeSchedule(id, hash);
    return inTenantScope(schedule.tenant, scope) ? schedule : null;
  }

  /**
   * Changes a schedule. A new cron expression or time zone, or enabling, restarts the slot
   * sequence from now (no slot of the old sequence fires); disabling clears the next slot.
   * Another tenant's schedule (with `scope.tenant`) is ScheduleNotFoundError and stays untouched.
   * A `tenant` in `change` (from an untyped caller) is ignored: the owner never changes.
   */
  async update(id: string, change: ScheduleUpdate, fieldName?: FieldNamer, scope?: TenantScope): Promise<ScheduledJob> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const hash = await this.guard(() => this.redis.hgetall(this.keys.schedule(id)));
      if (!UUID.test(id) || !hash['def']) throw new ScheduleNotFoundError(id);
      const current = decodeSchedule(id, hash);
      if (!inTenantScope(current.tenant, scope)) throw new ScheduleNotFoundError(id);
      const merged: ScheduleInput = { ...inputOf(current), ...stripUndefined(change), tenant: current.tenant };
      const now = Date.now();
      await this.assertValid(merged, now, fieldName, change.jobTemplate !== undefined);
      const def = this.definitionOf(merged);
      const enabled = merged.enabled ?? true;
      const resetSlot =
        def.cronExpression !== current.cronExpression || def.timezone !== current.timezone || enabled !== current.enabled;
      const nextAt = enabled && resetSlot ? nextSlot(def.cronExpression, def.timezone, now) : null;
      const outcome = await this.guard(() =>
        this.redis.schedUpdate(
          this.keys.schedule(id),
          this.keys.due,
          id,
          JSON.stringify(def),
          enabled ? '1' : '0',
          nextAt ?? '',
          hash['version'],
          resetSlot ? '1' : '0',
        ),
      );
      await waitForReplicas(this.redis, this.options.replicaWait);
      if (outcome === -1) throw new ScheduleNotFoundError(id);
      if (outcome === 1) return this.get(id, scope);
    }
    throw new ScheduleConflictError(id);
  }

  /**
   * Deletes a schedule; it never fires again. Another tenant's schedule (with `scope.tenant`) is
   * ScheduleNotFoundError and stays.
   */
  async remove(id: string, scope?: TenantScope): Promise<void> {
    if (!(await this.visible(id, scope))) throw new ScheduleNotFoundError(id);
    const k = this.keys;
    const existed = await this.guard(() => this.redis.schedDelete(k.index, k.schedule(id), k.due, k.fires(id), id));
    await waitForReplicas(this.redis, this.options.replicaWait);
    if (!existed) throw new ScheduleNotFoundError(id);
  }

  /**
   * Runs the schedule's job now, outside its slot sequence (counted as an execution), for the
   * schedule's tenant. Another tenant's schedule (with `scope.tenant`) is ScheduleNotFoundError,
   * checked before anything is counted or submitted.
   */
  async trigger(id: string, scope?: TenantScope): Promise<{ jobId: string }> {
    if (!(await this.visible(id, scope))) throw new ScheduleNotFoundError(id);
    const now = Date.now();
    const [count, def] = await this.guard(() => this.redis.schedTrigger(this.keys.schedule(id), now));
    if (count === -1 || !def) throw new ScheduleNotFoundError(id);
    const claimed: Claimed = { id, slot: null, count, def: parseDefinition(def), member: '' };
    const job = await this.queue.submit(this.submissionFor(claimed));
    await this.guard(() => this.record(this.redis, claimed, job.jobId));
    return { jobId: job.jobId };
  }

  /**
   * The latest fires of a schedule, newest first. Another tenant's schedule (with `scope.tenant`)
   * has none, like an unknown id.
   */
  async fires(id: string, limit = 100, scope?: TenantScope): Promise<ScheduleFire[]> {
    if (scope?.tenant !== undefined && !(await this.visible(id, scope))) return [];
    const raw = await this.guard(() => this.redis.lrange(this.keys.fires(id), 0, Math.max(1, limit) - 1));
    return raw.map((line) => {
      const fire = JSON.parse(line) as { slot: number | null; count: number; jobId: string | null; firedAt: number; by: string; error?: string };
      return {
        slot: fire.slot === null ? null : new Date(fire.slot),
        executionCount: fire.count,
        jobId: fire.jobId,
        firedAt: new Date(fire.firedAt),
        instanceId: fire.by,
        ...(fire.error ? { error: fire.error } : {}),
      };
    });
  }

  /** How many schedules exist and the earliest next slot of an enabled one (fail-fast). */
  async stats(): Promise<{ schedules: number; earliestDue: number | null }> {
    const [schedules, due] = await this.guard(() =>
      Promise.all([this.redis.zcard(this.keys.index), this.redis.zrange(this.keys.due, 0, 0, 'WITHSCORES')]),
    );
    return { schedules, earliestDue: due[1] === undefined ? null : Number(due[1]) };
  }

  /** The earliest next slot of any enabled schedule (epoch ms), or null. */
  async earliestDue(): Promise<number | null> {
    const [, score] = await this.runner().zrange(this.keys.due, 0, 0, 'WITHSCORES');
    return score === undefined ? null : Number(score);
  }

  /**
   * Fires every schedule whose slot is due: claims each slot atomically (only one process wins
   * it), then submits the job and records it. Returns the number of jobs submitted.
   */
  async fireDue(now = Date.now()): Promise<number> {
    const redis = this.runner();
    const ids = await redis.zrangebyscore(this.keys.due, '-inf', now, 'LIMIT', 0, DUE_BATCH);
    const fired = await Promise.all(ids.map((id) => this.fireOne(redis, id).catch((error: unknown) => this.warn(id, error))));
    return fired.filter(Boolean).length;
  }

  /**
   * Submits the jobs of slots that were claimed but never recorded (their process died or Redis
   * failed in between) once their lease expires. A job already submitted for the slot is found
   * by its `scheduled_fire_id` and recorded instead of being submitted twice.
   */
  async recoverClaims(now = Date.now()): Promise<number> {
    const redis = this.runner();
    const members = await redis.zrangebyscore(this.keys.claims, '-inf', now, 'LIMIT', 0, 20);
    let recovered = 0;
    for (const member of members) {
      const [id, slotText, countText] = member.split('|');
      const taken = await redis.schedReclaim(this.keys.claims, member, now, now + this.options.claimLeaseMs);
      if (!taken) continue;
      const hash = await redis.hgetall(this.keys.schedule(id));
      if (!hash['def']) {
        await redis.zrem(this.keys.claims, member);
        continue;
      }
      const claimed: Claimed = { id, slot: Number(slotText), count: Number(countText), def: parseDefinition(hash['def']), member };
      const existing = await this.queue.listJobs({ search: fireIdOf(claimed), limit: 1 });
      if (existing.jobs.length) await this.record(redis, claimed, existing.jobs[0].jobId);
      else await this.submitClaimed(redis, claimed);
      recovered++;
    }
    return recovered;
  }

  /** Makes the due index agree with the schedules (run at boot by the fire loop). */
  async reconcile(): Promise<void> {
    const redis = this.runner();
    const [ids, due] = await Promise.all([redis.zrange(this.keys.index, 0, -1), redis.zrange(this.keys.due, 0, -1)]);
    const known = new Set(ids);
    const stale = due.filter((id) => !known.has(id));
    if (stale.length) await redis.zrem(this.keys.due, ...stale);
    for (const id of ids) {
      const [enabled, nextAt] = await redis.hmget(this.keys.schedule(id), 'enabled', 'next_at');
      if (enabled === '1' && nextAt) await redis.zadd(this.keys.due, nextAt, id);
      else await redis.zrem(this.keys.due, id);
    }
  }

  private async fireOne(redis: ScriptedSchedulerRedis, id: string): Promise<boolean> {
    const [enabled, nextAtText, slotVersion, lastJob, def] = await redis.hmget(
      this.keys.schedule(id),
      'enabled',
      'next_at',
      'slot_version',
      'last_job',
      'def',
    );
    const now = Date.now();
    if (enabled !== '1' || !nextAtText || !def || Number(nextAtText) > now) {
      if (enabled !== '1' || !def) await redis.zrem(this.keys.due, id);
      return false;
    }
    const slot = Number(nextAtText);
    const definition = parseDefinition(def);
    // After downtime the missed slots collapse into this one late fire; the next is after now.
    const following = nextSlot(definition.cronExpression, definition.timezone, Math.max(now, slot));
    const skip = definition.overlap === 'skip' && lastJob ? await this.stillRunning(lastJob) : false;
    const reply = await redis.schedClaim(
      this.keys.schedule(id),
      this.keys.due,
      this.keys.claims,
      id,
      nextAtText,
      slotVersion ?? '',
      following ?? '',
      now,
      now + this.options.claimLeaseMs,
      skip ? 'skip' : 'fire',
    );
    const count = Number(reply[0]);
    if (count <= 0 || !reply[1]) return false;
    const claimed: Claimed = { id, slot, count, def: parseDefinition(reply[1]), member: `${id}|${nextAtText}|${count}` };
    return this.submitClaimed(redis, claimed);
  }

  private async submitClaimed(redis: ScriptedSchedulerRedis, claimed: Claimed): Promise<boolean> {
    try {
      const job = await this.queue.submit(this.submissionFor(claimed));
      await this.record(redis, claimed, job.jobId);
      return true;
    } catch (error) {
      // A template the queue now refuses (its limits changed) will never submit: log it and move on.
      // Anything else (Redis away) leaves the claim for recoverClaims once its lease expires.
      if (error instanceof JobValidationError) await this.record(redis, claimed, null, error.message);
      throw error;
    }
  }

  private async stillRunning(jobId: string): Promise<boolean> {
    const job = await this.queue.findJob(jobId);
    return job !== null && (RUNNING_STATUSES as readonly string[]).includes(job.status);
  }

  private record(redis: ScriptedSchedulerRedis, claimed: Claimed, jobId: string | null, error?: string): Promise<number> {
    const fire = { slot: claimed.slot, count: claimed.count, jobId, firedAt: Date.now(), by: this.options.instanceId, ...(error ? { error } : {}) };
    return redis.schedRecord(
      this.keys.schedule(claimed.id),
      this.keys.claims,
      this.keys.fires(claimed.id),
      claimed.member,
      jobId ?? '',
      JSON.stringify(fire),
      this.options.fireLogSize,
      claimed.count,
    );
  }

  private submissionFor(claimed: Claimed): JobSubmission {
    const metadata: JsonObject = {
      ...claimed.def.metadata,
      scheduled_job_id: claimed.id,
      scheduled_job_name: claimed.def.name,
      execution_count: claimed.count,
    };
    if (claimed.slot !== null) {
      metadata['scheduled_for'] = new Date(claimed.slot).toISOString();
      metadata['scheduled_fire_id'] = fireIdOf(claimed);
    }
    return this.submissionOf(claimed.def, metadata);
  }

  /** The job a definition submits, for its tenant (so the queue also validates the tenant's name). */
  private submissionOf(def: ScheduleInput | ScheduleDefinition, extraMetadata: JsonObject): JobSubmission {
    return {
      tenant: def.tenant,
      jobType: def.jobTemplate,
      priority: def.priority,
      retryConfig: def.retryConfig,
      timeoutSecs: def.timeoutSecs ?? undefined,
      metadata: def.metadata || Object.keys(extraMetadata).length ? { ...def.metadata, ...extraMetadata } : undefined,
    };
  }

  private definitionOf(input: ScheduleInput): ScheduleDefinition {
    const timezone = canonicalTimezone(input.timezone ?? DEFAULT_TIMEZONE) ?? DEFAULT_TIMEZONE;
    return {
      name: input.name.trim(),
      cronExpression: checkCron(input.cronExpression, timezone, this.options.minIntervalSecs, Date.now()).expression,
      jobTemplate: input.jobTemplate,
      priority: input.priority ?? 'Normal',
      retryConfig: input.retryConfig ?? {},
      metadata: input.metadata ?? {},
      timeoutSecs: input.timeoutSecs ?? null,
      timezone,
      overlap: input.overlap ?? 'allow',
      tenant: input.tenant ?? DEFAULT_TENANT,
    };
  }

  /**
   * Whether schedule `id` exists and is visible in `scope`. Checked before a change: a
   * schedule's tenant never changes, so the answer cannot go stale before the change runs.
   */
  private async visible(id: string, scope?: TenantScope): Promise<boolean> {
    if (!UUID.test(id)) return false;
    if (scope?.tenant === undefined) return true;
    const def = await this.guard(() => this.redis.hget(this.keys.schedule(id), 'def'));
    return def !== null && inTenantScope(parseDefinition(def).tenant, scope);
  }

  /** `newTemplate`: also refuse a template of a custom job type no worker has registered (see QueueService.handlerProblems). */
  private async assertValid(input: ScheduleInput, now: number, fieldName: FieldNamer | undefined, newTemplate: boolean): Promise<void> {
    const problems = this.validate(input, fieldName, now);
    if (newTemplate) problems.push(...(await this.queue.handlerProblems([{ jobType: input.jobTemplate }]))[0]);
    if (problems.length) throw new ScheduleValidationError(problems);
  }

  private runner(): ScriptedSchedulerRedis {
    return this.runnerRedis ?? this.redis;
  }

  private warn(id: string, error: unknown): false {
    this.logger.warn(`schedule ${id}: fire failed: ${(error as Error)?.message ?? String(error)}`);
    return false;
  }

  private guard<T>(operation: () => Promise<T>): Promise<T> {
    return withRedisDeadline(this.redis, this.options.commandTimeoutMs, operation);
  }
}

const fireIdOf = (claimed: Claimed): string => `${claimed.id}:${claimed.slot}`;

const dateOrNull = (text: string | undefined): Date | null => (text ? new Date(Number(text)) : null);

/** A stored definition; one stored before tenants existed belongs to the default tenant. */
function parseDefinition(json: string): ScheduleDefinition {
  const def = JSON.parse(json) as Omit<ScheduleDefinition, 'tenant'> & { tenant?: string };
  return { ...def, tenant: def.tenant ?? DEFAULT_TENANT };
}

function decodeSchedule(id: string, hash: Record<string, string>): ScheduledJob {
  const def = parseDefinition(hash['def']);
  const enabled = hash['enabled'] === '1';
  return {
    id,
    ...def,
    retryConfig: def.retryConfig,
    enabled,
    createdAt: new Date(Number(hash['created_at'])),
    lastExecutedAt: dateOrNull(hash['last_at']),
    nextExecutionAt: enabled ? dateOrNull(hash['next_at']) : null,
    executionCount: Number(hash['count'] ?? 0),
    skippedCount: Number(hash['skipped'] ?? 0),
    lastJobId: hash['last_job'] || null,
  };
}

function inputOf(schedule: ScheduledJob): ScheduleInput {
  return {
    name: schedule.name,
    cronExpression: schedule.cronExpression,
    jobTemplate: schedule.jobTemplate as JobType,
    priority: schedule.priority,
    enabled: schedule.enabled,
    retryConfig: schedule.retryConfig,
    metadata: schedule.metadata,
    timeoutSecs: schedule.timeoutSecs ?? undefined,
    timezone: schedule.timezone,
    overlap: schedule.overlap,
    tenant: schedule.tenant,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The retry policy a schedule's jobs get: its own fields over the queue's defaults. */
export function effectiveRetryConfig(schedule: Pick<ScheduledJob, 'retryConfig'>): RetryConfig {
  return { ...DEFAULT_RETRY_CONFIG, ...stripUndefined(schedule.retryConfig) };
}
