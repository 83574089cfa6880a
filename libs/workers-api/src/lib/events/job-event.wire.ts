import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { JobView, JsonValue, JobEventRecord } from '@riptide/queue';
import { JOB_EVENT_KINDS, JOB_STATUSES, eventJobType } from '@riptide/queue';
import { EXAMPLE_JOB_ID, EXAMPLE_TIME } from '../docs/api-docs.decorators';
import { ANY_JSON } from '../docs/schema.util';

/** The SSE event name of the first event of a job's stream: the job as it is when the client connects. */
export const STATE_EVENT = 'state';

/** The type of a job as events name it: `{type}`, plus `job_name` for a custom job. */
export interface WireEventJobType {
  type: string;
  job_name?: string;
}

/** The `data:` of every job event on the wire (SSE), in the API's snake_case. */
export class JobEventDataDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_JOB_ID }) job_id!: string;
  @ApiProperty({ description: 'The tenant the job belongs to', example: 'default' })
  tenant!: string;
  @ApiProperty({
    type: 'object',
    required: ['type'],
    properties: {
      type: {
        type: 'string',
        enum: ['batch_crawl', 'single_crawl', 'pdf_extraction', 'maintenance', 'custom'],
      },
      job_name: { type: 'string', description: 'Only for custom jobs' },
    },
    additionalProperties: false,
    example: { type: 'custom', job_name: 'send_report' },
    description: "The job's type, as `type` (and `job_name`) of the job_type it was submitted with",
  })
  job_type!: WireEventJobType;
  @ApiProperty({
    enum: JOB_STATUSES,
    example: 'Processing',
    description: 'The status after the event',
  })
  status!: string;
  @ApiProperty({
    enum: [...JOB_EVENT_KINDS, STATE_EVENT],
    example: 'processing',
    description:
      'What happened: the snake_case of the new status, `progress` (the handler reported progress), or `state` (the first event of a job stream: the job as it was at connection)',
  })
  event!: string;
  @ApiProperty({ format: 'date-time', example: EXAMPLE_TIME, description: 'When it happened' })
  at!: string;
  @ApiPropertyOptional({
    ...ANY_JSON,
    example: 40,
    description: 'What the handler reported; with `progress` and `state` events only',
  })
  progress?: unknown;
}

/** The wire form of a logged event. */
export function jobEventToWire(event: JobEventRecord): JobEventDataDto {
  const wire: JobEventDataDto = {
    job_id: event.job,
    tenant: event.tenant,
    job_type: eventJobType(event.name),
    status: event.status,
    event: event.event,
    at: new Date(event.at).toISOString(),
  };
  if (event.event === 'progress') wire.progress = (event.progress ?? null) as JsonValue;
  return wire;
}

/** The first event of a job's stream: the job as it is now. */
export function jobStateToWire(view: JobView, at: Date): JobEventDataDto {
  const jobType = view.jobType;
  return {
    job_id: view.jobId,
    tenant: view.tenant,
    job_type:
      jobType.type === 'custom'
        ? { type: 'custom', job_name: jobType.jobName }
        : { type: jobType.type },
    status: view.status,
    event: STATE_EVENT,
    at: at.toISOString(),
    progress: view.progress,
  };
}
