import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DEFAULT_TIMEOUT_SECS } from '@riptide/queue';
import { ScheduledJob, effectiveRetryConfig } from '@riptide/scheduler';
import { JOB_TYPE_DOCS } from '../jobs/job-type.docs';
import { jobTypeToWire } from '../jobs/job-type.wire';
import { RetryConfigDto } from '../jobs/submit-job.dto';

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

  @ApiProperty({ example: '0 3 * * *', description: CRON_DESCRIPTION })
  @IsString()
  @MaxLength(200)
  cron_expression!: string;

  @ApiProperty({ oneOf: JOB_TYPE_DOCS.map((doc) => ({ $ref: getSchemaPath(doc) })), description: 'The job every slot submits (same shape as job_type)' })
  @IsDefined()
  @IsObject()
  job_template!: Record<string, unknown>;

  @ApiPropertyOptional({ enum: ['Low', 'Normal', 'High', 'Critical'], default: 'Normal', description: 'Any case' })
  @IsOptional()
  @IsString()
  @Matches(/^(low|normal|high|critical)$/i, PRIORITY_MESSAGE)
  priority?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: RetryConfigDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryConfigDto)
  retry_config?: RetryConfigDto;

  @ApiPropertyOptional({ type: Object, description: 'Copied into every fired job\'s metadata' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ default: 600, minimum: 1 })
  @IsOptional()
  @IsInt()
  timeout_secs?: number;

  @ApiPropertyOptional({ default: 'UTC', example: 'Europe/Berlin', description: 'IANA time zone the expression is read in' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  timezone?: string;

  @ApiPropertyOptional({ enum: ['allow', 'skip'], default: 'allow', description: 'skip: no new run while the previous one is pending or running' })
  @IsOptional()
  @IsIn(['allow', 'skip'], OVERLAP_MESSAGE)
  overlap?: string;
}

/** Body of PATCH /workers/schedule/:id: any subset of the create fields. */
export class UpdateScheduleDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: `${CRON_DESCRIPTION}; restarts the slot sequence from now` })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cron_expression?: string;

  @ApiPropertyOptional({ oneOf: JOB_TYPE_DOCS.map((doc) => ({ $ref: getSchemaPath(doc) })) })
  @IsOptional()
  @IsObject()
  job_template?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: ['Low', 'Normal', 'High', 'Critical'], description: 'Any case' })
  @IsOptional()
  @IsString()
  @Matches(/^(low|normal|high|critical)$/i, PRIORITY_MESSAGE)
  priority?: string;

  @ApiPropertyOptional({ description: 'Enabling restarts the slot sequence from now; disabling clears next_execution_at' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: RetryConfigDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryConfigDto)
  retry_config?: RetryConfigDto;

  @ApiPropertyOptional({ type: Object })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  timeout_secs?: number;

  @ApiPropertyOptional({ description: 'IANA time zone; restarts the slot sequence from now' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  timezone?: string;

  @ApiPropertyOptional({ enum: ['allow', 'skip'] })
  @IsOptional()
  @IsIn(['allow', 'skip'], OVERLAP_MESSAGE)
  overlap?: string;
}

export class ScheduleRetryConfigDto {
  @ApiProperty() max_attempts!: number;
  @ApiProperty() initial_delay_secs!: number;
  @ApiProperty() backoff_multiplier!: number;
  @ApiProperty() max_delay_secs!: number;
  @ApiProperty() use_jitter!: boolean;
}

/** A schedule as the API returns it. */
export class ScheduleResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The tenant the schedule and its fired jobs belong to', example: 'default' }) tenant!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '0 3 * * *' }) cron_expression!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: ['Low', 'Normal', 'High', 'Critical'] }) priority!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true }) last_executed_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'Null while disabled' }) next_execution_at!: string | null;
  @ApiProperty() execution_count!: number;
  @ApiProperty({ description: 'Slots passed over by the skip overlap policy' }) skipped_count!: number;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'Job of the latest fire' }) last_job_id!: string | null;
  @ApiProperty({ example: 'UTC' }) timezone!: string;
  @ApiProperty({ type: Object, description: 'The job_type every slot submits' }) job_template!: object;
  @ApiProperty({ type: ScheduleRetryConfigDto, description: 'Effective retry policy of fired jobs' }) retry_config!: ScheduleRetryConfigDto;
  @ApiProperty({ type: Object }) metadata!: object;
  @ApiProperty() timeout_secs!: number;
  @ApiProperty({ enum: ['allow', 'skip'] }) overlap!: string;

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
    };
  }
}

export class TriggerScheduleResponseDto {
  @ApiProperty({ format: 'uuid' }) job_id!: string;
}
