import { CRON_MACROS } from './scheduler.constants';

/** Every user-facing sentence of the scheduler library, in one place. */
export const SchedulerMessages = {
  invalidSchedule: (problems: string[]) => `Invalid schedule: ${problems.join('; ')}`,
  scheduleNotFound: (id: string) => `Schedule ${id} not found`,
  updateConflict: (id: string) =>
    `Schedule ${id} kept changing while it was being updated; try again`,
  limitReached: (max: number) =>
    `Schedule limit reached: at most ${max} schedules may exist (SCHEDULER_MAX_SCHEDULES); delete one or raise the limit`,
  tenantQuotaReached: (tenant: string, max: number) =>
    `Tenant ${tenant} has ${max} schedules, its quota (TENANT_MAX_SCHEDULES or the key's max_schedules); delete one first`,
  badId: (id: string) => `id must be a UUID (got "${id.slice(0, 64)}")`,
  cronFieldCount: (count: number) =>
    `must have 5 fields (minute hour day-of-month month day-of-week), 6 with leading seconds, or be a macro (${CRON_MACROS.join(', ')}); got ${count} field(s)`,
  unknownMacro: (macro: string) =>
    `uses unknown macro "${macro}" (known: ${CRON_MACROS.join(', ')})`,
  cronInvalid: (reason: string) => `is invalid: ${reason}`,
  cronNeverFires: 'never matches a date (impossible day/month combination)',
  tooFrequent: (gapSecs: number, minSecs: number) =>
    `fires every ${gapSecs} second(s) at times; the minimum interval is ${minSecs} second(s) (SCHEDULER_MIN_INTERVAL_SECS)`,
  unknownTimezone: (zone: string) =>
    `"${zone}" is not a known IANA time zone (for example "UTC", "Europe/Berlin", "America/New_York")`,
  mustBeNonEmpty: 'must be a non-empty string',
  tooLong: (max: number) => `must be at most ${max} characters`,
  badOverlap: 'must be one of: allow, skip',
} as const;
