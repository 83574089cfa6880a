export { SchedulerModule } from './lib/scheduler.module';
export {
  SCHEDULER_ASYNC_OPTIONS_TYPE,
  SCHEDULER_OPTIONS_TYPE,
} from './lib/scheduler.module-definition';
export type {
  SchedulerModuleOptions,
  ResolvedSchedulerOptions,
} from './lib/scheduler-options.interface';
export {
  RESOLVED_SCHEDULER_OPTIONS,
  DEFAULT_MAX_SCHEDULES,
  DEFAULT_TIMEZONE,
  CRON_MACROS,
  RUNNING_STATUSES,
} from './lib/scheduler.constants';
export { SchedulerMessages } from './lib/scheduler.messages';
export { SchedulerService } from './lib/scheduler.service';
export { effectiveRetryConfig } from './lib/schedule-codec.util';
export { SlotFirer } from './lib/slot-firer.service';
export type { ScheduleCreateOptions } from './lib/scheduler.service';
export { ScheduleRunner, OVERDUE_UNHEALTHY_MS } from './lib/schedule-runner.service';
export type { SchedulerHealth } from './lib/schedule-runner.service';
export { SchedulerKeys } from './lib/redis/scheduler-keys';
export { OVERLAP_POLICIES } from './lib/schedule.interface';
export type {
  OverlapPolicy,
  ScheduleInput,
  ScheduleUpdate,
  ScheduleDefinition,
  ScheduledJob,
  ScheduleFire,
} from './lib/schedule.interface';
export {
  nextSlot,
  nextSlots,
  checkCron,
  canonicalTimezone,
  normaliseCron,
} from './lib/cron/cron-schedule.util';
export type { CronCheck } from './lib/cron/cron-schedule.util';
export { ScheduleNotFoundError } from './lib/errors/schedule-not-found.error';
export { ScheduleValidationError } from './lib/errors/schedule-validation.error';
export { ScheduleLimitError } from './lib/errors/schedule-limit.error';
export { ScheduleConflictError } from './lib/errors/schedule-conflict.error';
export { TenantScheduleQuotaError } from './lib/errors/tenant-schedule-quota.error';
