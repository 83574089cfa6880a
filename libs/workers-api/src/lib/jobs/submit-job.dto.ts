import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsRFC3339,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { DEFAULT_JOB_LIMITS, DEFAULT_RETRY_CONFIG, DEFAULT_TIMEOUT_SECS } from '@riptide/queue';
import { JOB_TYPE_DOCS } from './job-type.docs';
import { PRIORITY_INPUT } from '../docs/schema.util';
import { WebhookDto } from '../webhooks/webhook.dto';

/*
 * Bounds below are those the queue's validator enforces (its defaults, where an operator setting
 * can change them); they are stated in the schema so that a client can check before sending.
 */

/** Every field optional; merged over the defaults (3 attempts, 30 s, ×2, 300 s, jitter). */
export class RetryConfigDto {
  @ApiPropertyOptional({
    type: 'integer',
    default: DEFAULT_RETRY_CONFIG.maxAttempts,
    minimum: 1,
    maximum: DEFAULT_JOB_LIMITS.maxAttempts,
    example: 5,
    description: 'Total executions, the first included',
  })
  @IsOptional()
  @IsInt()
  max_attempts?: number;

  @ApiPropertyOptional({
    type: 'number',
    default: DEFAULT_RETRY_CONFIG.initialDelaySecs,
    minimum: 0,
    maximum: 86400,
    example: 10,
    description: 'Wait before the first retry',
  })
  @IsOptional()
  @IsNumber()
  initial_delay_secs?: number;

  @ApiPropertyOptional({
    type: 'number',
    default: DEFAULT_RETRY_CONFIG.backoffMultiplier,
    minimum: 1,
    maximum: 100,
    example: 2,
    description: 'Each further retry waits this many times longer',
  })
  @IsOptional()
  @IsNumber()
  backoff_multiplier?: number;

  @ApiPropertyOptional({
    type: 'number',
    default: DEFAULT_RETRY_CONFIG.maxDelaySecs,
    minimum: 0,
    maximum: 86400,
    example: 120,
    description: 'Longest wait between two attempts',
  })
  @IsOptional()
  @IsNumber()
  max_delay_secs?: number;

  @ApiPropertyOptional({
    default: DEFAULT_RETRY_CONFIG.useJitter,
    example: true,
    description: 'Adds up to 10 % to each wait',
  })
  @IsOptional()
  @IsBoolean()
  use_jitter?: boolean;
}

export class SubmitJobDto {
  @ApiProperty({
    oneOf: JOB_TYPE_DOCS.map((doc) => ({ $ref: getSchemaPath(doc) })),
    description: 'The work, tagged by "type"',
    example: { type: 'single_crawl', url: 'https://example.com/' },
  })
  @IsDefined()
  @IsObject()
  job_type!: Record<string, unknown>;

  @ApiPropertyOptional({
    ...PRIORITY_INPUT,
    default: 'Normal',
    description: 'Higher runs first; any case is accepted (the answer spells it this way)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^(low|normal|high|critical)$/i, {
    message: 'priority must be one of: Low, Normal, High, Critical',
  })
  priority?: string;

  @ApiPropertyOptional({ type: RetryConfigDto, description: 'Merged over the defaults' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryConfigDto)
  retry_config?: RetryConfigDto;

  @ApiPropertyOptional({
    type: 'integer',
    default: DEFAULT_TIMEOUT_SECS,
    minimum: 1,
    maximum: DEFAULT_JOB_LIMITS.maxTimeoutSecs,
    example: 900,
    description: `Time limit of each attempt; at most JOB_MAX_TIMEOUT_SECS (default ${DEFAULT_JOB_LIMITS.maxTimeoutSecs})`,
  })
  @IsOptional()
  @IsInt()
  timeout_secs?: number;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-01-15T03:00:00.000Z',
    description: `RFC 3339; in the future → Delayed until then (at most ${DEFAULT_JOB_LIMITS.maxScheduleAheadSecs} s ahead)`,
  })
  @IsOptional()
  @IsRFC3339()
  scheduled_at?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { team: 'news' },
    description: `Free JSON object, returned as given; at most ${DEFAULT_JOB_LIMITS.maxMetadataBytes} bytes as JSON`,
  })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: WebhookDto,
    description:
      "Where to POST this job's events, signed with the tenant's webhook secret (see POST /workers/webhooks/secret/rotate)",
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookDto)
  webhook?: WebhookDto;
}
