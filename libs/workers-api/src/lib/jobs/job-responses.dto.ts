import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import type { DeliveryAttempt } from '@riptide/webhooks';
import { WebhookDeliveryDto, WebhookDto } from '../webhooks/webhook.dto';
import { BatchCrawlResponseDoc, CrawlResultDoc } from './crawl-result.docs';
import { JobResultView, JobView, QueueCounts, SubmittedJob } from '@riptide/queue';
import { EXAMPLE_JOB_ID, EXAMPLE_TIME } from '../docs/api-docs.decorators';
import {
  ANY_JSON,
  ANY_JSON_OR_NULL,
  NullableDateTime,
  NullableString,
  WIRE_JOB_TYPE,
} from '../docs/schema.util';
import { jobTypeToWire, snakeCaseKeys } from './job-type.wire';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
const STATUSES = [
  'Pending',
  'Delayed',
  'Processing',
  'Retrying',
  'Completed',
  'Failed',
  'DeadLetter',
  'Cancelled',
];
const PRIORITIES = ['Low', 'Normal', 'High', 'Critical'];
const WORKER_ID = 'worker-1.example:4182:3f9a';

export class SubmitJobResponseDto {
  @ApiProperty({
    format: 'uuid',
    example: EXAMPLE_JOB_ID,
    description: 'Server-generated id of the new job',
  })
  job_id!: string;
  @ApiProperty({ enum: ['submitted'], example: 'submitted' }) status!: 'submitted';
  @ApiProperty({ format: 'date-time', example: EXAMPLE_TIME }) submitted_at!: string;
  @ApiProperty({ enum: ['Job submitted successfully'], example: 'Job submitted successfully' })
  message!: string;

  static from(job: SubmittedJob): SubmitJobResponseDto {
    return {
      job_id: job.jobId,
      status: 'submitted',
      submitted_at: job.submittedAt.toISOString(),
      message: 'Job submitted successfully',
    };
  }
}

export class JobStatusResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_JOB_ID }) job_id!: string;
  @ApiProperty({
    description: 'The tenant the job belongs to (that of the key that submitted it)',
    example: 'default',
  })
  tenant!: string;
  @ApiProperty({ enum: STATUSES, example: 'Completed' }) status!: string;
  @ApiProperty({ format: 'date-time', example: EXAMPLE_TIME }) created_at!: string;
  @NullableDateTime('When the latest attempt started; null before the first', EXAMPLE_TIME)
  started_at!: string | null;
  @NullableDateTime('When the job finished; null while it has not', EXAMPLE_TIME) completed_at!:
    string | null;
  @NullableString('The worker of the latest attempt; null before the first', WORKER_ID) worker_id!:
    string | null;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 0,
    description: 'Attempts that failed and were retried',
  })
  retry_count!: number;
  @NullableString('Why the latest attempt failed; null if none did', null) last_error!:
    string | null;
  @NullableString(
    'Stable code of the latest failure (dns, connect, tls, timeout, robots_disallowed, all_urls_failed, …); null if none did',
    null,
  )
  last_error_code!: string | null;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    nullable: true,
    example: 412,
    description: 'Duration of the finished job; null until it finishes',
  })
  processing_time_ms!: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { team: 'news' },
    description: 'As submitted',
  })
  metadata!: object;
  @ApiProperty({
    ...WIRE_JOB_TYPE,
    description: 'The job_type as submitted (pdf_data summarised as pdf_data_bytes)',
  })
  job_type!: object;
  @ApiProperty({ enum: PRIORITIES, example: 'Normal' }) priority!: string;
  @NullableDateTime('When a delayed job becomes due; null if it was not delayed', null)
  scheduled_at!: string | null;
  @NullableDateTime('When a Retrying job runs again; null otherwise', null) next_retry_at!:
    string | null;
  @ApiProperty({
    ...ANY_JSON,
    example: 100,
    description:
      "What the handler reported: a number (0 until reported), or any JSON such as a batch's `{completed, total, percent}`",
  })
  progress!: unknown;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    example: 3,
    description: 'Total executions allowed, the first included',
  })
  max_attempts!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    example: 600,
    description: 'Time limit of each attempt',
  })
  timeout_secs!: number;
  @ApiPropertyOptional({
    type: WebhookDto,
    description: "The job's own webhook; absent when it has none",
  })
  webhook?: { url: string; events: string[] };
  @ApiPropertyOptional({
    type: [WebhookDeliveryDto],
    description:
      "Every attempt to deliver the job's events (its own webhook and the tenant's subscriptions), oldest first; on GET /workers/jobs/{job_id} when the job has a webhook or any delivery",
  })
  webhook_deliveries?: WebhookDeliveryDto[];

  static from(view: JobView, deliveries?: DeliveryAttempt[]): JobStatusResponseDto {
    return {
      job_id: view.jobId,
      tenant: view.tenant,
      status: view.status,
      created_at: view.createdAt.toISOString(),
      started_at: iso(view.startedAt),
      completed_at: iso(view.completedAt),
      worker_id: view.workerId,
      retry_count: view.retryCount,
      last_error: view.lastError,
      last_error_code: view.lastErrorCode,
      processing_time_ms: view.processingTimeMs,
      metadata: view.metadata,
      job_type: jobTypeToWire(view.jobType),
      priority: view.priority,
      scheduled_at: iso(view.scheduledAt),
      next_retry_at: iso(view.nextRetryAt),
      progress: view.progress,
      max_attempts: view.maxAttempts,
      timeout_secs: view.timeoutSecs,
      ...(view.webhook ? { webhook: { url: view.webhook.url, events: view.webhook.events } } : {}),
      ...(deliveries && (view.webhook || deliveries.length)
        ? { webhook_deliveries: deliveries.map((attempt) => WebhookDeliveryDto.from(attempt)) }
        : {}),
    };
  }
}

export class JobListResponseDto {
  @ApiProperty({ type: [JobStatusResponseDto], description: 'This page, newest first' })
  jobs!: JobStatusResponseDto[];
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 1,
    description: 'Every match, not just this page',
  })
  total!: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 500, example: 50 }) limit!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 0 }) offset!: number;
}

export class JobResultResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_JOB_ID }) job_id!: string;
  @ApiProperty({ example: true, description: 'Whether the job completed' }) success!: boolean;
  @ApiProperty({
    anyOf: [
      { $ref: getSchemaPath(CrawlResultDoc) },
      { $ref: getSchemaPath(BatchCrawlResponseDoc) },
      ...ANY_JSON_OR_NULL.oneOf,
    ],
    example: {
      url: 'https://example.com/',
      final_url: 'https://example.com/',
      status: 200,
      from_cache: false,
      processing_time_ms: 388,
      document: { title: 'Example Domain' },
      error: null,
      error_code: null,
    },
    description:
      'What the job produced: a CrawlResultDoc for single_crawl, a BatchCrawlResponseDoc for batch_crawl, the extracted document for pdf_extraction, ' +
      "the handler's own JSON for custom jobs; null when the job failed, except a failed batch_crawl, which keeps its per-URL outcomes. A failed URL has a message in `error` and a stable `error_code`.",
  })
  data!: unknown;
  @NullableString('Why the job failed; null when it completed', null) error!: string | null;
  @NullableString(
    'Stable code of the failure (dns, connect, tls, timeout, robots_disallowed, all_urls_failed, …); null when it completed',
    null,
  )
  error_code!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, example: 412 }) processing_time_ms!: number;
  @NullableString('The worker that finished the job', WORKER_ID) worker_id!: string | null;
  @ApiProperty({ format: 'date-time', example: EXAMPLE_TIME }) completed_at!: string;

  static from(result: JobResultView): JobResultResponseDto {
    return {
      job_id: result.jobId,
      success: result.success,
      // Built-in results are the SPEC's shapes (CrawlResult, BatchCrawlResponse) in wire names, also
      // when a failed batch keeps its outcomes; a custom handler's data is returned exactly as it was.
      data: result.jobType === 'custom' ? result.data : snakeCaseKeys(result.data),
      error: result.error,
      error_code: result.errorCode,
      processing_time_ms: result.processingTimeMs,
      worker_id: result.workerId,
      completed_at: result.completedAt.toISOString(),
    };
  }
}

export class CancelJobResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_JOB_ID }) job_id!: string;
  @ApiProperty({ enum: ['Cancelled'], example: 'Cancelled' }) status!: 'Cancelled';
}

export class ReplayJobResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_JOB_ID }) job_id!: string;
  @ApiProperty({
    enum: STATUSES,
    example: 'Pending',
    description: 'The status of the replayed job',
  })
  status!: string;
}

export class QueueStatsResponseDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 12 }) pending!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 4 }) processing!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1520 }) completed!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 3 }) failed!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'Retrying' }) retry!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 2 }) delayed!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 0 }) dead_letter!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 5 }) cancelled!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1547 }) total!: number;

  static from(c: QueueCounts): QueueStatsResponseDto {
    return {
      pending: c.pending,
      processing: c.processing,
      completed: c.completed,
      failed: c.failed,
      retry: c.retry,
      delayed: c.delayed,
      dead_letter: c.deadLetter,
      cancelled: c.cancelled,
      total: c.total,
    };
  }
}

export { ErrorResponseDto } from '@riptide/auth';
