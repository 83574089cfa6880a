import { JobSubmission, JsonObject } from '@riptide/queue';
import { SchedulerKeys } from './redis/scheduler-keys';
import { ScriptedSchedulerRedis } from './redis/scheduler-scripts';
import { ScheduleDefinition, ScheduleInput } from './schedule.interface';

/*
 * What every fire of a schedule does, whoever fires it (the slot firer at a slot, a trigger by
 * hand): the job it submits, and the record of the fire.
 */

/** What a fire needs from a claim: the definition as it was when the slot was claimed. */
export interface Claimed {
  id: string;
  /** The slot (epoch ms); null for a fire by hand. */
  slot: number | null;
  count: number;
  def: ScheduleDefinition;
  /** The claim's member in the claims set ("" for a fire by hand, which claims nothing). */
  member: string;
}

/** The id a slot's job carries (`scheduled_fire_id`): how a recovered claim finds a job already submitted. */
export const fireIdOf = (claimed: Claimed): string => `${claimed.id}:${claimed.slot}`;

/** The job a definition submits, for its tenant (so the queue also validates the tenant's name). */
export function jobSubmissionOf(
  def: ScheduleInput | ScheduleDefinition,
  extraMetadata: JsonObject,
): JobSubmission {
  return {
    tenant: def.tenant,
    jobType: def.jobTemplate,
    priority: def.priority,
    retryConfig: def.retryConfig,
    timeoutSecs: def.timeoutSecs ?? undefined,
    ...(def.webhook ? { webhook: def.webhook } : {}),
    metadata:
      def.metadata || Object.keys(extraMetadata).length
        ? { ...def.metadata, ...extraMetadata }
        : undefined,
  };
}

/** The job of one fire: the template, with metadata naming the schedule, the count and the slot. */
export function fireSubmission(claimed: Claimed): JobSubmission {
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
  return jobSubmissionOf(claimed.def, metadata);
}

/** Where a fire is recorded, and by whom. */
export interface FireLog {
  keys: SchedulerKeys;
  instanceId: string;
  fireLogSize: number;
}

/** Records a fire (its job, or the error that kept it from submitting one) and releases its claim. */
export function recordFire(
  redis: ScriptedSchedulerRedis,
  log: FireLog,
  claimed: Claimed,
  jobId: string | null,
  error?: string,
): Promise<number> {
  const fire = {
    slot: claimed.slot,
    count: claimed.count,
    jobId,
    firedAt: Date.now(),
    by: log.instanceId,
    ...(error ? { error } : {}),
  };
  return redis.schedRecord(
    log.keys.schedule(claimed.id),
    log.keys.claims,
    log.keys.fires(claimed.id),
    claimed.member,
    jobId ?? '',
    JSON.stringify(fire),
    log.fireLogSize,
    claimed.count,
  );
}
