import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { TenantQueryDto } from '../tenancy/tenant-query.dto';
import { anyCasePattern } from '../docs/schema.util';
import { WorkersApiMessages } from '../workers-api.messages';

// One message whatever is wrong (not a number, a fraction, out of range): the range says it all.
const LIMIT_MESSAGE = { message: WorkersApiMessages.integerInRange('limit', 1, 500) };
const OFFSET_MESSAGE = { message: WorkersApiMessages.integerInRange('offset', 0, 1000000) };

export class ListJobsQueryDto extends TenantQueryDto {
  @ApiPropertyOptional({
    pattern: anyCasePattern([
      'Pending',
      'Delayed',
      'Processing',
      'Retrying',
      'Retry',
      'Completed',
      'Failed',
      'DeadLetter',
      'Dead_Letter',
      'Cancelled',
      'Canceled',
    ]),
    description: 'A status, in any case; also dead_letter, retry and canceled',
    example: 'pending',
  })
  @IsOptional()
  @IsString()
  @Matches(
    /^(pending|delayed|processing|retrying|retry|completed|failed|deadletter|dead_letter|cancelled|canceled)$/i,
    {
      message:
        'status must be one of: Pending, Delayed, Processing, Retrying, Completed, Failed, DeadLetter, Cancelled',
    },
  )
  status?: string;

  @ApiPropertyOptional({
    pattern:
      '^(batch_crawl|single_crawl|pdf_extraction|maintenance|custom(:[A-Za-z0-9_.:-]{1,128})?)$',
    description:
      'batch_crawl, single_crawl, pdf_extraction, maintenance, custom or custom:<job_name>',
    example: 'custom:send_report',
  })
  @IsOptional()
  @IsString()
  @Matches(
    /^(batch_crawl|single_crawl|pdf_extraction|maintenance|custom(:[A-Za-z0-9_.:-]{1,128})?)$/,
    {
      message:
        'job_type must be one of: batch_crawl, single_crawl, pdf_extraction, maintenance, custom, custom:<job_name>',
    },
  )
  job_type?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    example: 'news',
    description: 'Case-insensitive substring of job id, worker id, metadata keys and string values',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 500,
    default: 50,
    description: 'Page size',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt(LIMIT_MESSAGE)
  @Min(1, LIMIT_MESSAGE)
  @Max(500, LIMIT_MESSAGE)
  limit?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 1000000,
    default: 0,
    description: 'Matches skipped before this page',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt(OFFSET_MESSAGE)
  @Min(0, OFFSET_MESSAGE)
  @Max(1000000, OFFSET_MESSAGE)
  offset?: number;
}
