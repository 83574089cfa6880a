import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiProduces, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ApiErrorResponse } from '@riptide/auth';
import { InvalidEventIdError } from '@riptide/queue';
import { EXAMPLE_JOB_ID } from '../docs/api-docs.decorators';
import { WorkersApiMessages } from '../workers-api.messages';
import { JobEventDataDto } from './job-event.wire';

const line = (id: string, event: string, data: object) =>
  `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const job = { job_id: EXAMPLE_JOB_ID, tenant: 'acme' };
const custom = { type: 'custom', job_name: 'send_report' };

const JOB_STREAM_EXAMPLE =
  line('1733250000000-0', 'state', {
    ...job,
    job_type: custom,
    status: 'Pending',
    event: 'state',
    at: '2026-01-15T03:00:00.000Z',
    progress: 0,
  }) +
  line('1733250000105-0', 'processing', {
    ...job,
    job_type: custom,
    status: 'Processing',
    event: 'processing',
    at: '2026-01-15T03:00:00.105Z',
  }) +
  ': keep-alive\n\n' +
  line('1733250000230-0', 'progress', {
    ...job,
    job_type: custom,
    status: 'Processing',
    event: 'progress',
    at: '2026-01-15T03:00:00.230Z',
    progress: 40,
  }) +
  line('1733250000412-0', 'completed', {
    ...job,
    job_type: custom,
    status: 'Completed',
    event: 'completed',
    at: '2026-01-15T03:00:00.412Z',
  });

const TENANT_STREAM_EXAMPLE =
  line('1733250000105-0', 'processing', {
    ...job,
    job_type: { type: 'single_crawl' },
    status: 'Processing',
    event: 'processing',
    at: '2026-01-15T03:00:00.105Z',
  }) +
  line('1733250000412-0', 'completed', {
    ...job,
    job_type: { type: 'single_crawl' },
    status: 'Completed',
    event: 'completed',
    at: '2026-01-15T03:00:00.412Z',
  });

const FORMAT = `Server-sent events (\`text/event-stream\`). Each event is \`id: <event id>\\nevent: <kind>\\ndata: <JSON>\\n\\n\`, where the JSON is a [JobEventDataDto](${getSchemaPath(JobEventDataDto)}) and the kind is its \`event\`: \`pending\`, \`delayed\`, \`processing\`, \`retrying\`, \`completed\`, \`failed\`, \`dead_letter\`, \`cancelled\` (the job's new status), \`progress\`, or \`state\`. A \`: keep-alive\` comment comes every 15 s. Reconnect with \`Last-Event-ID\` (browsers' EventSource does it by itself) to get every event after the last one received, from the tenant's event log (its last ~10,000 events).`;

/** The `Last-Event-ID` header of both streams. */
export const ApiLastEventId = () =>
  ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description:
      'Resume after this event: every later event is sent, none twice (the id of the last event received; EventSource sends it when it reconnects)',
    example: '1733250000000-0',
  });

/** A 200 that is an event stream, with its format and an example. */
export const ApiEventStream = (description: string, example: string) =>
  applyDecorators(
    ApiProduces('text/event-stream', 'application/json'),
    ApiResponse({
      status: 200,
      description: `${description}\n\n${FORMAT}`,
      content: { 'text/event-stream': { schema: { type: 'string' }, example } },
    }),
  );

export const JOB_STREAM = () =>
  ApiEventStream(
    "The job's events: first `state`, the job as it is at connection (its `id` is where a reconnect resumes), then every event of the job as it happens. The stream ends after a final status (Completed, Failed, DeadLetter, Cancelled). With Last-Event-ID, no `state`: the job's events after that one.",
    JOB_STREAM_EXAMPLE,
  );

export const TENANT_STREAM = () =>
  ApiEventStream(
    "The tenant's job events that match the filters, as they happen (after Last-Event-ID's, when given). The stream stays open.",
    TENANT_STREAM_EXAMPLE,
  );

const INVALID_LAST_EVENT_ID = new InvalidEventIdError('Last-Event-ID', 'x').message;

export const JOB_STREAM_ERRORS = () =>
  applyDecorators(
    ApiErrorResponse(400, 'An invalid Last-Event-ID or last_event_id', {
      invalid_last_event_id: INVALID_LAST_EVENT_ID,
    }),
    STREAM_LIMIT_ERRORS(),
  );

export const TENANT_STREAM_ERRORS = () =>
  applyDecorators(
    ApiErrorResponse(
      400,
      'Invalid filters (every problem listed), an invalid Last-Event-ID, or an admin key without tenant',
      {
        unknown_status: [
          'status must be one of: Pending, Delayed, Processing, Retrying, Completed, Failed, DeadLetter, Cancelled',
        ],
        admin_without_tenant: WorkersApiMessages.adminStreamNeedsTenant,
        invalid_last_event_id: INVALID_LAST_EVENT_ID,
      },
    ),
    STREAM_LIMIT_ERRORS(),
  );

const STREAM_LIMIT_ERRORS = () =>
  applyDecorators(
    ApiErrorResponse(429, 'The key holds SSE_MAX_CONNECTIONS_PER_KEY streams on this server', {
      too_many_for_key: WorkersApiMessages.tooManyStreamsForKey(50),
    }),
    ApiErrorResponse(503, 'This server holds SSE_MAX_CONNECTIONS streams', {
      too_many_streams: WorkersApiMessages.tooManyStreams(1000),
    }),
  );
