import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { DEFAULT_JOB_LIMITS, DEFAULT_TIMEOUT_SECS, DEFAULT_WEBHOOK_EVENTS } from '@riptide/queue';
import { EXAMPLE_JOB_ID, EXAMPLE_SCHEDULE_ID, EXAMPLE_TIME } from '../docs/api-docs.decorators';
import { NullableDateTime, PRIORITY_INPUT, WIRE_JOB_TYPE } from '../docs/schema.util';
import { ScheduledJob, effectiveRetryConfig } from '@riptide/scheduler';
import { JOB_TYPE_DOCS } from '../jobs/job-type.docs';
import { jobTypeToWire } from '../jobs/job-type.wire';
import { RetryConfigDto } from '../jobs/submit-job.dto';
import { WebhookDto } from '../webhooks/webhook.dto';

const PRIORITY_MESSAGE = { message: 'priority must be one of: Low, Normal, High, Critical' };
const OVERLAP_MESSAGE = { message: 'overlap must be one of: allow, skip' };
const CRON_DESCRIPTION =
  '5 fields (minute hour day-of-month month day-of-week), 6 with leading seconds, or a macro (@daily, @hourly, …)';
const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** Body of POST /workers/schedule (SPEC §3). */
export class CreateScheduleDto {
  @ApiProperty({ example: 'nightly crawl', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: '0 3 * * *', maxLength: 200, description: CRON_DESCRIPTION })
  @IsString()
  @MaxLength(200)
  cron_expression!: string;

  @ApiProperty({
    oneOf: JOB_TYPE_DOCS.map((doc) => ({ $ref: getSchemaPath(doc) })),
    description: 'The job every slot submits (same shape as job_type)',
    example: { type: 'custom', job_name: 'nightly_report' },
  })
  @IsDefined()
  @IsObject()
  job_template!: Record<string, unknown>;

  @ApiPropertyOptional({
    ...PRIORITY_INPUT,
    default: 'Normal',
    description: 'Priority of every fired job; any case',
  })
  @IsOptional()
  @IsString()
  @Matches(/^(low|normal|high|critical)$/i, PRIORITY_MESSAGE)
  priority?: string;

  @ApiPropertyOptional({
    default: true,
    example: true,
    description: 'A disabled schedule keeps its settings and fires nothing',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: RetryConfigDto,
    description: 'Retry policy of every fired job, merged over the defaults',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryConfigDto)
  retry_config?: RetryConfigDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { team: 'news' },
    description: `Copied into every fired job's metadata; at most ${DEFAULT_JOB_LIMITS.maxMetadataBytes} bytes as JSON`,
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'integer',
    default: DEFAULT_TIMEOUT_SECS,
    minimum: 1,
    maximum: DEFAULT_JOB_LIMITS.maxTimeoutSecs,
    example: 900,
    description: `Time limit of each fired job's attempts; at most JOB_MAX_TIMEOUT_SECS (default ${DEFAULT_JOB_LIMITS.maxTimeoutSecs})`,
  })
  @IsOptional()
  @IsInt()
  timeout_secs?: number;

  @ApiPropertyOptional({
    default: 'UTC',
    example: 'Europe/Berlin',
    maxLength: 100,
    description: 'IANA time zone the expression is read in',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  timezone?: string;

  @ApiPropertyOptional({
    enum: ['allow', 'skip'],
    default: 'allow',
    example: 'skip',
    description: 'skip: no new run while the previous one is pending or running',
  })
  @IsOptional()
  @IsIn(['allow', 'skip'], OVERLAP_MESSAGE)
  overlap?: string;

  @ApiPropertyOptional({
    type: WebhookDto,
    description:
      "Every fired job's own webhook (as on POST /workers/jobs), signed with the tenant's secret",
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookDto)
  webhook?: WebhookDto;
}

/** Body of PATCH /workers/schedule/:id: any subset of the create fields. */
export class UpdateScheduleDto {
  @ApiPropertyOptional({ maxLength: 200, example: 'nightly crawl', description: 'A new name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    example: '30 5 * * *',
    description: `${CRON_DESCRIPTION}; restarts the slot sequence from now`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cron_expression?: string;

  @ApiPropertyOptional({
    oneOf: JOB_TYPE_DOCS.map((doc) => ({ $ref: getSchemaPath(doc) })),
    description: 'A new job template (same shape as job_type)',
  })
  @IsOptional()
  @IsObject()
  job_template?: Record<string, unknown>;

  @ApiPropertyOptional({ ...PRIORITY_INPUT, description: 'Priority of every fired job; any case' })
  @IsOptional()
  @IsString()
  @Matches(/^(low|normal|high|critical)$/i, PRIORITY_MESSAGE)
  priority?: string;

  @ApiPropertyOptional({
    example: false,
    description: 'Enabling restarts the slot sequence from now; disabling clears next_execution_at',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: RetryConfigDto,
    description: 'Retry policy of every fired job, merged over the defaults',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryConfigDto)
  retry_config?: RetryConfigDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { team: 'news' },
    description: `Replaces the metadata; at most ${DEFAULT_JOB_LIMITS.maxMetadataBytes} bytes as JSON`,
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: DEFAULT_JOB_LIMITS.maxTimeoutSecs,
    example: 900,
    description: 'At most JOB_MAX_TIMEOUT_SECS',
  })
  @IsOptional()
  @IsInt()
  timeout_secs?: number;

  @ApiPropertyOptional({
    maxLength: 100,
    example: 'UTC',
    description: 'IANA time zone; restarts the slot sequence from now',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  timezone?: string;

  @ApiPropertyOptional({
    enum: ['allow', 'skip'],
    example: 'allow',
    description: 'skip: no new run while the previous one is pending or running',
  })
  @IsOptional()
  @IsIn(['allow', 'skip'], OVERLAP_MESSAGE)
  overlap?: string;

  @ApiPropertyOptional({
    type: WebhookDto,
    nullable: true,
    description: 'Replaces the webhook of every fired job; null removes it',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookDto)
  webhook?: WebhookDto | null;
}

export class ScheduleRetryConfigDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 3 }) max_attempts!: number;
  @ApiProperty({ type: 'number', minimum: 0, example: 30 }) initial_delay_secs!: number;
  @ApiProperty({ type: 'number', minimum: 1, example: 2 }) backoff_multiplier!: number;
  @ApiProperty({ type: 'number', minimum: 0, example: 300 }) max_delay_secs!: number;
  @ApiProperty({ example: true }) use_jitter!: boolean;
}

/** A schedule as the API returns it. */
export class ScheduleResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_SCHEDULE_ID }) id!: string;
  @ApiProperty({
    description: 'The tenant the schedule and its fired jobs belong to',
    example: 'default',
  })
  tenant!: string;
  @ApiProperty({ example: 'nightly crawl' }) name!: string;
  @ApiProperty({ example: '0 3 * * *' }) cron_expression!: string;
  @ApiProperty({ example: true }) enabled!: boolean;
  @ApiProperty({ enum: ['Low', 'Normal', 'High', 'Critical'], example: 'Normal' })
  priority!: string;
  @ApiProperty({ format: 'date-time', example: EXAMPLE_TIME }) created_at!: string;
  @NullableDateTime('When it last fired; null before the first time', EXAMPLE_TIME)
  last_executed_at!: string | null;
  @NullableDateTime('Its next slot; null while disabled', '2026-01-16T02:00:00.000Z')
  next_execution_at!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1 }) execution_count!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 0,
    description: 'Slots passed over by the skip overlap policy',
  })
  skipped_count!: number;
  @ApiProperty({
    type: 'string',
    format: 'uuid',
    nullable: true,
    example: EXAMPLE_JOB_ID,
    description: 'Job of the latest fire; null before the first',
  })
  last_job_id!: string | null;
  @ApiProperty({ example: 'Europe/Berlin' }) timezone!: string;
  @ApiProperty({ ...WIRE_JOB_TYPE, description: 'The job_type every slot submits' })
  job_template!: object;
  @ApiProperty({
    type: ScheduleRetryConfigDto,
    description: 'Effective retry policy of fired jobs',
  })
  retry_config!: ScheduleRetryConfigDto;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { team: 'news' } })
  metadata!: object;
  @ApiProperty({ type: 'integer', minimum: 1, example: 600 }) timeout_secs!: number;
  @ApiProperty({ enum: ['allow', 'skip'], example: 'allow' }) overlap!: string;
  @ApiPropertyOptional({
    type: WebhookDto,
    description: "Every fired job's own webhook; absent when the schedule has none",
  })
  webhook?: { url: string; events: string[] };

  static from(schedule: ScheduledJob): ScheduleResponseDto {
    const retry = effectiveRetryConfig(schedule);
    return {
      id: schedule.id,
      tenant: schedule.tenant,
      name: schedule.name,
      cron_expression: schedule.cronExpression,
      enabled: schedule.enabled,
      priority: schedule.priority,
      created_at: schedule.createdAt.toISOString(),
      last_executed_at: iso(schedule.lastExecutedAt),
      next_execution_at: iso(schedule.nextExecutionAt),
      execution_count: schedule.executionCount,
      skipped_count: schedule.skippedCount,
      last_job_id: schedule.lastJobId,
      timezone: schedule.timezone,
      job_template: jobTypeToWire(schedule.jobTemplate),
      retry_config: {
        max_attempts: retry.maxAttempts,
        initial_delay_secs: retry.initialDelaySecs,
        backoff_multiplier: retry.backoffMultiplier,
        max_delay_secs: retry.maxDelaySecs,
        use_jitter: retry.useJitter,
      },
      metadata: schedule.metadata,
      timeout_secs: schedule.timeoutSecs ?? DEFAULT_TIMEOUT_SECS,
      overlap: schedule.overlap,
      ...(schedule.webhook
        ? {
            webhook: {
              url: schedule.webhook.url,
              events: [...(schedule.webhook.events ?? DEFAULT_WEBHOOK_EVENTS)],
            },
          }
        : {}),
    };
  }
}

export class TriggerScheduleResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_JOB_ID, description: 'The job submitted now' })
  job_id!: string;
}
