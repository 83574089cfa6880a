import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject } from 'class-validator';
import { ErrorResponseDto } from '@riptide/auth';
import { EXAMPLE_JOB_ID } from '../docs/api-docs.decorators';
import { SubmitJobDto } from './submit-job.dto';

/** Most jobs in one bulk submission (SPEC §7). */
export const MAX_BULK_JOBS = 1000;

/** `POST /workers/jobs/bulk`: each item is checked on its own; one bad item never refuses the others. */
export class BulkSubmitDto {
  @ApiProperty({
    type: 'array',
    items: { $ref: getSchemaPath(SubmitJobDto) },
    minItems: 1,
    maxItems: MAX_BULK_JOBS,
    description: 'Each shaped like the body of POST /workers/jobs',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_JOBS)
  @IsObject({
    each: true,
    message: 'each of jobs must be an object shaped like the body of POST /workers/jobs',
  })
  jobs!: Record<string, unknown>[];
}

/** One item's outcome, at its index in the request. */
export class BulkItemResultDto {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 0,
    description: 'Position of the item in the request',
  })
  index!: number;
  @ApiPropertyOptional({
    format: 'uuid',
    example: EXAMPLE_JOB_ID,
    description: 'Present when submitted',
  })
  job_id?: string;
  @ApiPropertyOptional({
    enum: ['submitted'],
    example: 'submitted',
    description: 'Present when submitted',
  })
  status?: 'submitted';
  @ApiPropertyOptional({
    type: ErrorResponseDto,
    description:
      'Present when refused: 400 invalid, 403 not allowed, 429 over the rate limit or quota',
  })
  error?: ErrorResponseDto;
}

export class BulkSubmitResponseDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'Items submitted' })
  submitted!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'Items refused' })
  failed!: number;
  @ApiProperty({
    type: [BulkItemResultDto],
    description: 'In input order',
    example: [
      { index: 0, job_id: EXAMPLE_JOB_ID, status: 'submitted' },
      {
        index: 1,
        error: {
          statusCode: 400,
          error: 'Bad Request',
          message: ['job_type.url must use http or https'],
        },
      },
    ],
  })
  jobs!: BulkItemResultDto[];
}
