import type { JobPriority, JobType, JobWebhook, JsonObject, RetryConfig } from '@riptide/queue';

/** What a schedule does with a slot while its previous job is still pending or running. */
export const OVERLAP_POLICIES = ['allow', 'skip'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** The user's definition of a schedule; what create and update accept. */
export interface ScheduleInput {
  name: string;
  /** 5 fields, 6 with leading seconds, or a macro (`@daily`). */
  cronExpression: string;
  /** The job every slot submits. */
  jobTemplate: JobType;
  /** Default `Normal`. */
  priority?: JobPriority;
  /** Default true. */
  enabled?: boolean;
  /** Merged over the queue's defaults for every submitted job. */
  retryConfig?: Partial<RetryConfig>;
  /** Copied into every submitted job's metadata, next to `scheduled_job_id` and friends. */
  metadata?: JsonObject;
  /** Default: the queue's default (600). */
  timeoutSecs?: number;
  /** IANA time zone the expression is read in. Default `UTC`. */
  timezone?: string;
  /** Default `allow`. */
  overlap?: OverlapPolicy;
  /** Who owns the schedule and every job it submits (TENANT_PATTERN). Default `default`. */
  tenant?: string;
  /** Every submitted job's own webhook; null (in an update) removes it. Default none. */
  webhook?: JobWebhook | null;
}

/**
 * A partial change; cron or time zone changes (and enabling) recompute the next slot from now.
 * The tenant is fixed at create: moving a schedule would hand its jobs to another tenant.
 */
export type ScheduleUpdate = Partial<Omit<ScheduleInput, 'tenant'>>;

/** The stored definition, defaults applied. */
export interface ScheduleDefinition {
  name: string;
  cronExpression: string;
  jobTemplate: JobType;
  priority: JobPriority;
  retryConfig: Partial<RetryConfig>;
  metadata: JsonObject;
  timeoutSecs: number | null;
  timezone: string;
  overlap: OverlapPolicy;
  /** The owner; `default` for schedules stored before tenants existed. */
  tenant: string;
  /** Every submitted job's own webhook; absent when the schedule has none. */
  webhook?: JobWebhook;
}

/** A schedule with its firing state, read fresh from Redis. */
export interface ScheduledJob extends ScheduleDefinition {
  id: string;
  enabled: boolean;
  createdAt: Date;
  lastExecutedAt: Date | null;
  /** Null while disabled or when the expression never fires again. */
  nextExecutionAt: Date | null;
  executionCount: number;
  /** Slots passed over by the `skip` overlap policy. */
  skippedCount: number;
  /** The job submitted by the latest recorded fire. */
  lastJobId: string | null;
}

/** One entry of a schedule's fire log. */
export interface ScheduleFire {
  /** The slot fired; null for a manual trigger. */
  slot: Date | null;
  executionCount: number;
  /** Null when the job could not be submitted (see `error`). */
  jobId: string | null;
  firedAt: Date;
  /** The process that submitted the job. */
  instanceId: string;
  error?: string;
}
