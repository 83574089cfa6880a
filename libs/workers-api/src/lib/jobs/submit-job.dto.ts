import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsInt, IsNumber, IsObject, IsOptional, IsRFC3339, IsString, Matches, ValidateNested } from 'class-validator';
import { JOB_TYPE_DOCS } from './job-type.docs';

/** Every field optional; merged over the defaults (3 attempts, 30 s, ×2, 300 s, jitter). */
export class RetryConfigDto {
  @ApiPropertyOptional({ default: 3, minimum: 1, description: 'Total executions, the first included' })
  @IsOptional()
  @IsInt()
  max_attempts?: number;

  @ApiPropertyOptional({ default: 30 })
  @IsOptional()
  @IsNumber()
  initial_delay_secs?: number;

  @ApiPropertyOptional({ default: 2.0 })
  @IsOptional()
  @IsNumber()
  backoff_multiplier?: number;

  @ApiPropertyOptional({ default: 300 })
  @IsOptional()
  @IsNumber()
  max_delay_secs?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  use_jitter?: boolean;
}

export class SubmitJobDto {
  @ApiProperty({ oneOf: JOB_TYPE_DOCS.map((doc) => ({ $ref: getSchemaPath(doc) })), description: 'The work, tagged by "type"' })
  @IsDefined()
  @IsObject()
  job_type!: Record<string, unknown>;

  @ApiPropertyOptional({ enum: ['Low', 'Normal', 'High', 'Critical'], default: 'Normal', description: 'Any case' })
  @IsOptional()
  @IsString()
  @Matches(/^(low|normal|high|critical)$/i, { message: 'priority must be one of: Low, Normal, High, Critical' })
  priority?: string;

  @ApiPropertyOptional({ type: RetryConfigDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryConfigDto)
  retry_config?: RetryConfigDto;

  @ApiPropertyOptional({ default: 600, minimum: 1, maximum: 3600, description: 'At most JOB_MAX_TIMEOUT_SECS (default 3600)' })
  @IsOptional()
  @IsInt()
  timeout_secs?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'RFC 3339; in the future → Delayed until then' })
  @IsOptional()
  @IsRFC3339()
  scheduled_at?: string;

  @ApiPropertyOptional({ type: Object, description: 'Free JSON object, returned as given' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}
