import type { ApiParamOptions } from '@nestjs/swagger';
import { ScheduleNotFoundError, SchedulerMessages } from '@riptide/scheduler';
import { EXAMPLE_SCHEDULE_ID } from '../docs/api-docs.decorators';

/* Examples and error causes of the schedule routes, for the document. */

export const SCHEDULE_ID_PARAM: ApiParamOptions = {
  name: 'id',
  description: 'The id POST /workers/schedule answered',
  example: EXAMPLE_SCHEDULE_ID,
};
export const SCHEDULE_NOT_FOUND = new ScheduleNotFoundError(EXAMPLE_SCHEDULE_ID).message;

export const CREATE_EXAMPLES = {
  nightly_crawl: {
    summary: 'Crawl a page every night at 03:00, Berlin time',
    value: {
      name: 'nightly crawl',
      cron_expression: '0 3 * * *',
      timezone: 'Europe/Berlin',
      job_template: {
        type: 'single_crawl',
        url: 'https://example.com/',
        options: { output_format: 'markdown' },
      },
      priority: 'Normal',
      overlap: 'skip',
      metadata: { team: 'news' },
    },
  },
  every_minute: {
    summary: 'A custom job every five minutes, at second 30 (6 fields: leading seconds)',
    value: {
      name: 'heartbeat',
      cron_expression: '30 */5 * * * *',
      job_template: { type: 'custom', job_name: 'heartbeat' },
      retry_config: { max_attempts: 1 },
    },
  },
};

export const UPDATE_EXAMPLES = {
  pause: { summary: 'Pause a schedule', value: { enabled: false } },
  reschedule: {
    summary: 'Move it to 05:30 UTC',
    value: { cron_expression: '30 5 * * *', timezone: 'UTC' },
  },
};

export const SCHEDULE_INVALID = {
  invalid_cron: [`cron_expression ${SchedulerMessages.cronFieldCount(2)}`],
  invalid_timezone: [`timezone ${SchedulerMessages.unknownTimezone('Mars/Olympus')}`],
  overlap: ['overlap must be one of: allow, skip'],
};
