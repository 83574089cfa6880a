import { ApiProperty } from '@nestjs/swagger';
import { JobResultView, JobView, QueueCounts, SubmittedJob } from '@riptide/queue';
import { jobTypeToWire, snakeCaseKeys } from './job-type.wire';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
const STATUSES = ['Pending', 'Delayed', 'Processing', 'Retrying', 'Completed', 'Failed', 'DeadLetter', 'Cancelled'];

export class SubmitJobResponseDto {
  @ApiProperty({ format: 'uuid' }) job_id!: string;
  @ApiProperty({ example: 'submitted' }) status!: 'submitted';
  @ApiProperty({ format: 'date-time' }) submitted_at!: string;
  @ApiProperty({ example: 'Job submitted successfully' }) message!: string;

  static from(job: SubmittedJob): SubmitJobResponseDto {
    return { job_id: job.jobId, status: 'submitted', submitted_at: job.submittedAt.toISOString(), message: 'Job submitted successfully' };
  }
}

export class JobStatusResponseDto {
  @ApiProperty({ format: 'uuid' }) job_id!: string;
  @ApiProperty({ description: 'The tenant the job belongs to (that of the key that submitted it)', example: 'default' }) tenant!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true }) started_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) completed_at!: string | null;
  @ApiProperty({ nullable: true }) worker_id!: string | null;
  @ApiProperty() retry_count!: number;
  @ApiProperty({ nullable: true }) last_error!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Stable code of the last failure (dns, connect, timeout, all_urls_failed, …)', example: 'dns' })
  last_error_code!: string | null;
  @ApiProperty({ nullable: true }) processing_time_ms!: number | null;
  @ApiProperty({ type: Object }) metadata!: object;
  @ApiProperty({ type: Object, description: 'The job_type as submitted (pdf_data summarised as pdf_data_bytes)' }) job_type!: object;
  @ApiProperty({ enum: ['Low', 'Normal', 'High', 'Critical'] }) priority!: string;
  @ApiProperty({ format: 'date-time', nullable: true }) scheduled_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) next_retry_at!: string | null;
  @ApiProperty({ description: 'A percentage or any JSON reported by the handler' }) progress!: unknown;
  @ApiProperty() max_attempts!: number;
  @ApiProperty() timeout_secs!: number;

  static from(view: JobView): JobStatusResponseDto {
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
    };
  }
}

export class JobListResponseDto {
  @ApiProperty({ type: [JobStatusResponseDto] }) jobs!: JobStatusResponseDto[];
  @ApiProperty({ description: 'Every match, not just this page' }) total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class JobResultResponseDto {
  @ApiProperty({ format: 'uuid' }) job_id!: string;
  @ApiProperty() success!: boolean;
  @ApiProperty({ nullable: true, description: 'What the job produced (CrawlResult, BatchCrawlResponse, …)' }) data!: unknown;
  @ApiProperty({ nullable: true }) error!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Stable code of the failure (dns, connect, tls, timeout, robots_disallowed, all_urls_failed, …)', example: 'dns' })
  error_code!: string | null;
  @ApiProperty() processing_time_ms!: number;
  @ApiProperty({ nullable: true }) worker_id!: string | null;
  @ApiProperty({ format: 'date-time' }) completed_at!: string;

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
  @ApiProperty({ format: 'uuid' }) job_id!: string;
  @ApiProperty({ example: 'Cancelled' }) status!: 'Cancelled';
}

export class ReplayJobResponseDto {
  @ApiProperty({ format: 'uuid' }) job_id!: string;
  @ApiProperty({ enum: STATUSES, example: 'Pending' }) status!: string;
}

export class QueueStatsResponseDto {
  @ApiProperty() pending!: number;
  @ApiProperty() processing!: number;
  @ApiProperty() completed!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() retry!: number;
  @ApiProperty() delayed!: number;
  @ApiProperty() dead_letter!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty() total!: number;

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

export class ErrorResponseDto {
  @ApiProperty({ example: 404 }) statusCode!: number;
  @ApiProperty({ example: 'Not Found' }) error!: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: 'Job … not found' })
  message!: string | string[];
}

