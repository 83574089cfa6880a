import { inspect } from 'node:util';
import type { JobEvent } from '@riptide/queue';

/** The Nest logger method a job event is written with. */
export type JobLogLevel = 'debug' | 'log' | 'warn';

/**
 * A log entry that a JSON logger (pino through nestjs-pino) takes field by field, and that Nest's
 * own console logger, which prints a plain object as a multi-line dump, prints as its `msg` line.
 */
export class JobLogEntry {
  readonly msg: string;

  constructor(fields: { msg: string } & Record<string, unknown>) {
    this.msg = fields.msg;
    Object.assign(this, fields);
  }

  [inspect.custom](): string {
    return this.msg;
  }
}

/** The status a job ends with, by the event that ends it. */
const FINAL_STATUS = {
  completed: 'Completed',
  failed: 'Failed',
  dead_letter: 'DeadLetter',
  cancelled: 'Cancelled',
} as const;

/**
 * One line per job at info (warn when it failed): its id, type, final status and duration. The
 * steps before (submitted, started, an attempt that will be retried) are details, at debug.
 */
export function jobLogLine(event: JobEvent): { level: JobLogLevel; entry: JobLogEntry } {
  const { kind, jobId, jobType } = event;
  const job = `job ${jobId} (${jobType})`;
  switch (event.kind) {
    case 'submitted':
      return {
        level: 'debug',
        entry: new JobLogEntry({ msg: `${job} submitted`, event: kind, jobId, jobType }),
      };
    case 'started':
      return {
        level: 'debug',
        entry: new JobLogEntry({
          msg: `${job} started after ${event.waitMs} ms in the queue`,
          event: kind,
          jobId,
          jobType,
          waitMs: event.waitMs,
        }),
      };
    case 'retrying':
      return {
        level: 'debug',
        entry: new JobLogEntry({
          msg: `${job} attempt failed after ${event.durationMs} ms, to be retried: ${event.error}`,
          event: kind,
          jobId,
          jobType,
          durationMs: event.durationMs,
          error: event.error,
        }),
      };
    case 'completed':
      return {
        level: 'log',
        entry: new JobLogEntry({
          msg: `${job} Completed in ${event.durationMs} ms`,
          event: kind,
          jobId,
          jobType,
          status: FINAL_STATUS.completed,
          durationMs: event.durationMs,
        }),
      };
    case 'cancelled':
      return {
        level: 'log',
        entry: new JobLogEntry({
          msg: `${job} Cancelled`,
          event: kind,
          jobId,
          jobType,
          status: FINAL_STATUS.cancelled,
        }),
      };
    case 'failed':
    case 'dead_letter': {
      const status = FINAL_STATUS[event.kind];
      return {
        level: 'warn',
        entry: new JobLogEntry({
          msg: `${job} ${status} after ${event.durationMs} ms: ${event.error}`,
          event: kind,
          jobId,
          jobType,
          status,
          durationMs: event.durationMs,
          error: event.error,
        }),
      };
    }
  }
}
