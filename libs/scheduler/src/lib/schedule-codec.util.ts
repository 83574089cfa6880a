import { DEFAULT_RETRY_CONFIG, DEFAULT_TENANT, JobType, RetryConfig } from '@riptide/queue';
import { ScheduleDefinition, ScheduleInput, ScheduledJob } from './schedule.interface';

/*
 * How a schedule is kept in its Redis hash: the definition as JSON in `def`, the slot sequence
 * and counters in fields of their own (see scheduler-scripts.ts).
 */

const dateOrNull = (text: string | undefined): Date | null =>
  text ? new Date(Number(text)) : null;

/** A stored definition; one stored before tenants existed belongs to the default tenant. */
export function parseDefinition(json: string): ScheduleDefinition {
  const def = JSON.parse(json) as Omit<ScheduleDefinition, 'tenant'> & { tenant?: string };
  return { ...def, tenant: def.tenant ?? DEFAULT_TENANT };
}

/** A schedule as its hash holds it. */
export function decodeSchedule(id: string, hash: Record<string, string>): ScheduledJob {
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

/** The input that would create a schedule as it stands (what a change is merged over). */
export function inputOf(schedule: ScheduledJob): ScheduleInput {
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
    webhook: schedule.webhook,
  };
}

export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The retry policy a schedule's jobs get: its own fields over the queue's defaults. */
export function effectiveRetryConfig(schedule: Pick<ScheduledJob, 'retryConfig'>): RetryConfig {
  return { ...DEFAULT_RETRY_CONFIG, ...stripUndefined(schedule.retryConfig) };
}
