/** Injection token of the resolved options (defaults applied). */
export const RESOLVED_SCHEDULER_OPTIONS = 'RIPTIDE_SCHEDULER:RESOLVED_OPTIONS';
/** Injection token of the fail-fast Redis client used by the CRUD API. */
export const SCHEDULER_REDIS = 'RIPTIDE_SCHEDULER:REDIS';
/** Injection token of the patient Redis client used by the fire loop (waits out reconnects). */
export const SCHEDULER_RUNNER_REDIS = 'RIPTIDE_SCHEDULER:RUNNER_REDIS';
/** Default of SCHEDULER_MAX_SCHEDULES. */
export const DEFAULT_MAX_SCHEDULES = 1000;
/** Default time zone of a schedule. */
export const DEFAULT_TIMEZONE = 'UTC';
/** Cron macros accepted besides 5- and 6-field expressions. */
export const CRON_MACROS = [
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@hourly',
  '@minutely',
  '@secondly',
  '@weekdays',
  '@weekends',
] as const;
/** Job statuses during which an overlap `skip` schedule does not fire again. */
export const RUNNING_STATUSES = ['Pending', 'Delayed', 'Processing', 'Retrying'] as const;
