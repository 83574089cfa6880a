import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_TENANT,
  FieldNamer,
  QueueService,
  TenantScope,
  inTenantScope,
} from '@riptide/queue';
import { waitForReplicas, withRedisDeadline } from '@riptide/redis';
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
import { decodeSchedule, inputOf, parseDefinition, stripUndefined } from './schedule-codec.util';
import {
  Claimed,
  FireLog,
  fireSubmission,
  jobSubmissionOf,
  recordFire,
} from './schedule-fire.util';
import { ResolvedSchedulerOptions } from './scheduler-options.interface';
import {
  DEFAULT_TIMEZONE,
  RESOLVED_SCHEDULER_OPTIONS,
  SCHEDULER_REDIS,
} from './scheduler.constants';
import { SchedulerMessages } from './scheduler.messages';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NAME_LENGTH = 200;
/** Optimistic retries of a PATCH that raced another change. */
const UPDATE_ATTEMPTS = 10;

/** Options of SchedulerService.create. */
export interface ScheduleCreateOptions {
  /** The id to create the schedule under (a UUID the caller chose, for idempotent retries). Default: a new one. */
  id?: string;
  /** Most schedules the tenant may have (TENANT_MAX_SCHEDULES or the key's own); checked in the same atomic step. */
  maxSchedulesOfTenant?: number;
}

/**
 * The schedules, kept in Redis (the single source of truth: every process reads them fresh):
 * create, read, change, delete, and fire by hand. Firing at each slot is SlotFirer's, run by the
 * loop of ScheduleRunner.
 */
@Injectable()
export class SchedulerService {
  readonly keys: SchedulerKeys;
  private readonly log: FireLog;

  constructor(
    @Inject(RESOLVED_SCHEDULER_OPTIONS) private readonly options: ResolvedSchedulerOptions,
    @Inject(SCHEDULER_REDIS) private readonly redis: ScriptedSchedulerRedis,
    private readonly queue: QueueService,
  ) {
    this.keys = new SchedulerKeys(options.prefix);
    this.log = {
      keys: this.keys,
      instanceId: options.instanceId,
      fireLogSize: options.fireLogSize,
    };
  }

  /** Every problem of a definition (empty = valid); `fieldName` maps camelCase paths for messages. */
  validate(
    input: ScheduleInput,
    fieldName: FieldNamer = (path) => path,
    now = Date.now(),
  ): string[] {
    const problems: string[] = [];
    const add = (path: string, problem: string) => problems.push(`${fieldName(path)} ${problem}`);
    if (typeof input.name !== 'string' || !input.name.trim())
      add('name', SchedulerMessages.mustBeNonEmpty);
    else if (input.name.length > MAX_NAME_LENGTH)
      add('name', SchedulerMessages.tooLong(MAX_NAME_LENGTH));
    const zone =
      input.timezone === undefined ? DEFAULT_TIMEZONE : canonicalTimezone(input.timezone);
    if (!zone) add('timezone', SchedulerMessages.unknownTimezone(String(input.timezone)));
    if (typeof input.cronExpression !== 'string')
      add('cronExpression', SchedulerMessages.mustBeNonEmpty);
    else
      for (const problem of checkCron(
        input.cronExpression,
        zone ?? DEFAULT_TIMEZONE,
        this.options.minIntervalSecs,
        now,
      ).problems)
        add('cronExpression', problem);
    if (input.overlap !== undefined && !OVERLAP_POLICIES.includes(input.overlap))
      add('overlap', SchedulerMessages.badOverlap);
    const templateName: FieldNamer = (path) => fieldName(path.replace(/^jobType/, 'jobTemplate'));
    problems.push(...this.queue.validate(jobSubmissionOf(input, {}), templateName));
    return problems;
  }

  /** Creates a schedule; its first slot is the first one after now. `fieldName` as in validate. */
  async create(
    input: ScheduleInput,
    fieldName?: FieldNamer,
    options: ScheduleCreateOptions = {},
  ): Promise<ScheduledJob> {
    const now = Date.now();
    await this.assertValid(input, now, fieldName, true);
    const def = this.definitionOf(input);
    const enabled = input.enabled ?? true;
    if (options.id !== undefined && !UUID.test(options.id))
      throw new ScheduleValidationError([SchedulerMessages.badId(options.id)]);
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
    if (created === -1)
      throw new TenantScheduleQuotaError(def.tenant, options.maxSchedulesOfTenant ?? 0);
    // 2: a schedule with this id exists already (the caller's retry); it is answered as it stands.
    return this.get(id, { tenant: def.tenant });
  }

  /** Every schedule, oldest first; with `scope.tenant` only that tenant's. */
  async list(scope?: TenantScope): Promise<ScheduledJob[]> {
    const ids = await this.guard(() => this.redis.zrange(this.keys.index, 0, -1));
    if (!ids.length) return [];
    const hashes = await this.guard(() =>
      Promise.all(ids.map((id) => this.redis.hgetall(this.keys.schedule(id)))),
    );
    const schedules = ids.flatMap((id, i) =>
      hashes[i]['def'] ? [decodeSchedule(id, hashes[i])] : [],
    );
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
  async update(
    id: string,
    change: ScheduleUpdate,
    fieldName?: FieldNamer,
    scope?: TenantScope,
  ): Promise<ScheduledJob> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const hash = await this.guard(() => this.redis.hgetall(this.keys.schedule(id)));
      if (!UUID.test(id) || !hash['def']) throw new ScheduleNotFoundError(id);
      const current = decodeSchedule(id, hash);
      if (!inTenantScope(current.tenant, scope)) throw new ScheduleNotFoundError(id);
      const merged: ScheduleInput = {
        ...inputOf(current),
        ...stripUndefined(change),
        tenant: current.tenant,
      };
      const now = Date.now();
      await this.assertValid(merged, now, fieldName, change.jobTemplate !== undefined);
      const def = this.definitionOf(merged);
      const enabled = merged.enabled ?? true;
      const resetSlot =
        def.cronExpression !== current.cronExpression ||
        def.timezone !== current.timezone ||
        enabled !== current.enabled;
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
    const existed = await this.guard(() =>
      this.redis.schedDelete(k.index, k.schedule(id), k.due, k.fires(id), id),
    );
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
    const [count, def] = await this.guard(() =>
      this.redis.schedTrigger(this.keys.schedule(id), now),
    );
    if (count === -1 || !def) throw new ScheduleNotFoundError(id);
    const claimed: Claimed = { id, slot: null, count, def: parseDefinition(def), member: '' };
    const job = await this.queue.submit(fireSubmission(claimed));
    await this.guard(() => recordFire(this.redis, this.log, claimed, job.jobId));
    return { jobId: job.jobId };
  }

  /**
   * The latest fires of a schedule, newest first. Another tenant's schedule (with `scope.tenant`)
   * has none, like an unknown id.
   */
  async fires(id: string, limit = 100, scope?: TenantScope): Promise<ScheduleFire[]> {
    if (scope?.tenant !== undefined && !(await this.visible(id, scope))) return [];
    const raw = await this.guard(() =>
      this.redis.lrange(this.keys.fires(id), 0, Math.max(1, limit) - 1),
    );
    return raw.map((line) => {
      const fire = JSON.parse(line) as {
        slot: number | null;
        count: number;
        jobId: string | null;
        firedAt: number;
        by: string;
        error?: string;
      };
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
      Promise.all([
        this.redis.zcard(this.keys.index),
        this.redis.zrange(this.keys.due, 0, 0, 'WITHSCORES'),
      ]),
    );
    return { schedules, earliestDue: due[1] === undefined ? null : Number(due[1]) };
  }

  private definitionOf(input: ScheduleInput): ScheduleDefinition {
    const timezone = canonicalTimezone(input.timezone ?? DEFAULT_TIMEZONE) ?? DEFAULT_TIMEZONE;
    return {
      name: input.name.trim(),
      cronExpression: checkCron(
        input.cronExpression,
        timezone,
        this.options.minIntervalSecs,
        Date.now(),
      ).expression,
      jobTemplate: input.jobTemplate,
      priority: input.priority ?? 'Normal',
      retryConfig: input.retryConfig ?? {},
      metadata: input.metadata ?? {},
      timeoutSecs: input.timeoutSecs ?? null,
      timezone,
      overlap: input.overlap ?? 'allow',
      tenant: input.tenant ?? DEFAULT_TENANT,
      ...(input.webhook ? { webhook: input.webhook } : {}),
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
  private async assertValid(
    input: ScheduleInput,
    now: number,
    fieldName: FieldNamer | undefined,
    newTemplate: boolean,
  ): Promise<void> {
    const problems = this.validate(input, fieldName, now);
    if (newTemplate)
      problems.push(...(await this.queue.handlerProblems([{ jobType: input.jobTemplate }]))[0]);
    if (problems.length) throw new ScheduleValidationError(problems);
  }

  private guard<T>(operation: () => Promise<T>): Promise<T> {
    return withRedisDeadline(this.redis, this.options.commandTimeoutMs, operation);
  }
}
