import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { TenantQueryDto } from '../tenancy/tenant-query.dto';

export class ListJobsQueryDto extends TenantQueryDto {
  @ApiPropertyOptional({ description: 'Any case; also dead_letter, retry, delayed', example: 'pending' })
  @IsOptional()
  @IsString()
  @Matches(/^(pending|delayed|processing|retrying|retry|completed|failed|deadletter|dead_letter|cancelled|canceled)$/i, {
    message: 'status must be one of: Pending, Delayed, Processing, Retrying, Completed, Failed, DeadLetter, Cancelled',
  })
  status?: string;

  @ApiPropertyOptional({ description: 'batch_crawl, single_crawl, pdf_extraction, maintenance, custom or custom:<job_name>' })
  @IsOptional()
  @IsString()
  @Matches(/^(batch_crawl|single_crawl|pdf_extraction|maintenance|custom(:[A-Za-z0-9_.:-]{1,128})?)$/, {
    message: 'job_type must be one of: batch_crawl, single_crawl, pdf_extraction, maintenance, custom, custom:<job_name>',
  })
  job_type?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of job id, worker id, metadata keys and string values' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000000)
  offset?: number;
}
