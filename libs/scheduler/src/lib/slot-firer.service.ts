import { Inject, Injectable, Logger } from '@nestjs/common';
import { JobValidationError, QueueService } from '@riptide/queue';
import { nextSlot } from './cron/cron-schedule.util';
import { SchedulerKeys } from './redis/scheduler-keys';
import { ScriptedSchedulerRedis } from './redis/scheduler-scripts';
import { parseDefinition } from './schedule-codec.util';
import { Claimed, FireLog, fireIdOf, fireSubmission, recordFire } from './schedule-fire.util';
import { ResolvedSchedulerOptions } from './scheduler-options.interface';
import {
  RESOLVED_SCHEDULER_OPTIONS,
  RUNNING_STATUSES,
  SCHEDULER_REDIS,
  SCHEDULER_RUNNER_REDIS,
} from './scheduler.constants';

/** Due schedules handled per look; the rest are handled on the next one, a moment later. */
const DUE_BATCH = 200;

/**
 * Fires schedules exactly once per slot, however many processes run it: each due slot is
 * claimed atomically (only one process wins it), then its job is submitted and the fire
 * recorded; a claim whose process died in between is recovered once its lease expires. The
 * loop that calls it is ScheduleRunner; the schedules themselves are SchedulerService's.
 */
@Injectable()
export class SlotFirer {
  private readonly logger = new Logger('SlotFirer');
  private readonly keys: SchedulerKeys;
  private readonly log: FireLog;
  /** The fire loop's patient connection where this process fires schedules, else the shared one. */
  private readonly redis: ScriptedSchedulerRedis;

  constructor(
    @Inject(RESOLVED_SCHEDULER_OPTIONS) private readonly options: ResolvedSchedulerOptions,
    @Inject(SCHEDULER_REDIS) redis: ScriptedSchedulerRedis,
    @Inject(SCHEDULER_RUNNER_REDIS) runnerRedis: ScriptedSchedulerRedis | null,
    private readonly queue: QueueService,
  ) {
    this.keys = new SchedulerKeys(options.prefix);
    this.log = {
      keys: this.keys,
      instanceId: options.instanceId,
      fireLogSize: options.fireLogSize,
    };
    this.redis = runnerRedis ?? redis;
  }

  /** The earliest next slot of any enabled schedule (epoch ms), or null. */
  async earliestDue(): Promise<number | null> {
    const [, score] = await this.redis.zrange(this.keys.due, 0, 0, 'WITHSCORES');
    return score === undefined ? null : Number(score);
  }

  /**
   * Fires every schedule whose slot is due: claims each slot atomically (only one process wins
   * it), then submits the job and records it. Returns the number of jobs submitted.
   */
  async fireDue(now = Date.now()): Promise<number> {
    const redis = this.redis;
    const ids = await redis.zrangebyscore(this.keys.due, '-inf', now, 'LIMIT', 0, DUE_BATCH);
    const fired = await Promise.all(
      ids.map((id) => this.fireOne(redis, id).catch((error: unknown) => this.warn(id, error))),
    );
    return fired.filter(Boolean).length;
  }

  /**
   * Submits the jobs of slots that were claimed but never recorded (their process died or Redis
   * failed in between) once their lease expires. A job already submitted for the slot is found
   * by its `scheduled_fire_id` and recorded instead of being submitted twice.
   */
  async recoverClaims(now = Date.now()): Promise<number> {
    const redis = this.redis;
    const members = await redis.zrangebyscore(this.keys.claims, '-inf', now, 'LIMIT', 0, 20);
    let recovered = 0;
    for (const member of members) {
      const [id, slotText, countText] = member.split('|');
      const taken = await redis.schedReclaim(
        this.keys.claims,
        member,
        now,
        now + this.options.claimLeaseMs,
      );
      if (!taken) continue;
      const hash = await redis.hgetall(this.keys.schedule(id));
      if (!hash['def']) {
        await redis.zrem(this.keys.claims, member);
        continue;
      }
      const claimed: Claimed = {
        id,
        slot: Number(slotText),
        count: Number(countText),
        def: parseDefinition(hash['def']),
        member,
      };
      const existing = await this.queue.listJobs({ search: fireIdOf(claimed), limit: 1 });
      if (existing.jobs.length) await recordFire(redis, this.log, claimed, existing.jobs[0].jobId);
      else await this.submitClaimed(redis, claimed);
      recovered++;
    }
    return recovered;
  }

  /** Makes the due index agree with the schedules (run at boot by the fire loop). */
  async reconcile(): Promise<void> {
    const redis = this.redis;
    const [ids, due] = await Promise.all([
      redis.zrange(this.keys.index, 0, -1),
      redis.zrange(this.keys.due, 0, -1),
    ]);
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
    const skip =
      definition.overlap === 'skip' && lastJob ? await this.stillRunning(lastJob) : false;
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
    const claimed: Claimed = {
      id,
      slot,
      count,
      def: parseDefinition(reply[1]),
      member: `${id}|${nextAtText}|${count}`,
    };
    return this.submitClaimed(redis, claimed);
  }

  private async submitClaimed(redis: ScriptedSchedulerRedis, claimed: Claimed): Promise<boolean> {
    try {
      const job = await this.queue.submit(fireSubmission(claimed));
      await recordFire(redis, this.log, claimed, job.jobId);
      return true;
    } catch (error) {
      // A template the queue now refuses (its limits changed) will never submit: log it and move on.
      // Anything else (Redis away) leaves the claim for recoverClaims once its lease expires.
      if (error instanceof JobValidationError)
        await recordFire(redis, this.log, claimed, null, error.message);
      throw error;
    }
  }

  private async stillRunning(jobId: string): Promise<boolean> {
    const job = await this.queue.findJob(jobId);
    return job !== null && (RUNNING_STATUSES as readonly string[]).includes(job.status);
  }

  private warn(id: string, error: unknown): false {
    this.logger.warn(`schedule ${id}: fire failed: ${(error as Error)?.message ?? String(error)}`);
    return false;
  }
}
