import { ApiProperty } from '@nestjs/swagger';
import type {
  JobTypeStats,
  MetricsSnapshot,
  RegisteredWorker,
  WorkerPoolSnapshot,
} from '@riptide/metrics';
import { QueueStatsResponseDto } from '../jobs/job-responses.dto';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export class JobTypeStatsDto {
  @ApiProperty() jobs_submitted!: number;
  @ApiProperty() jobs_completed!: number;
  @ApiProperty() jobs_failed!: number;
  @ApiProperty() jobs_retried!: number;
  @ApiProperty() jobs_dead_letter!: number;
  @ApiProperty() jobs_cancelled!: number;
  @ApiProperty({ description: '0–100; 100 while nothing has finished' }) success_rate!: number;
  @ApiProperty() avg_processing_time_ms!: number;
  @ApiProperty() p50_processing_time_ms!: number;
  @ApiProperty() p95_processing_time_ms!: number;
  @ApiProperty() p99_processing_time_ms!: number;
  @ApiProperty() avg_queue_wait_ms!: number;
  @ApiProperty() p95_queue_wait_ms!: number;

  static from(s: JobTypeStats): JobTypeStatsDto {
    return {
      jobs_submitted: s.submitted,
      jobs_completed: s.completed,
      jobs_failed: s.failed,
      jobs_retried: s.retried,
      jobs_dead_letter: s.deadLetter,
      jobs_cancelled: s.cancelled,
      success_rate: s.successRate,
      avg_processing_time_ms: s.processing.avgMs,
      p50_processing_time_ms: s.processing.p50Ms,
      p95_processing_time_ms: s.processing.p95Ms,
      p99_processing_time_ms: s.processing.p99Ms,
      avg_queue_wait_ms: s.queueWait.avgMs,
      p95_queue_wait_ms: s.queueWait.p95Ms,
    };
  }
}

export class MetricsResponseDto {
  @ApiProperty() jobs_submitted!: number;
  @ApiProperty() jobs_completed!: number;
  @ApiProperty({ description: 'Jobs that ended Failed (non-retryable error)' })
  jobs_failed!: number;
  @ApiProperty({ description: 'Failed attempts that were retried' }) jobs_retried!: number;
  @ApiProperty() jobs_dead_letter!: number;
  @ApiProperty() jobs_cancelled!: number;
  @ApiProperty({ description: 'Mean processing time of completed jobs (exact)' })
  avg_processing_time_ms!: number;
  @ApiProperty({ description: 'Estimated from log-scale buckets; within 2.2 % of the exact value' })
  p50_processing_time_ms!: number;
  @ApiProperty() p95_processing_time_ms!: number;
  @ApiProperty() p99_processing_time_ms!: number;
  @ApiProperty() avg_queue_wait_ms!: number;
  @ApiProperty() p95_queue_wait_ms!: number;
  @ApiProperty({
    description:
      'completed / (completed + failed + dead_letter) × 100; 100 while nothing has finished',
  })
  success_rate!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/JobTypeStatsDto' },
  })
  job_type_stats!: Record<string, JobTypeStatsDto>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Submitted jobs per job type',
  })
  jobs_by_type!: Record<string, number>;
  @ApiProperty({ type: QueueStatsResponseDto }) queue_sizes!: QueueStatsResponseDto;
  @ApiProperty() total_workers!: number;
  @ApiProperty() healthy_workers!: number;
  @ApiProperty({ description: 'Seconds since the answering process started' })
  uptime_seconds!: number;
  @ApiProperty({
    format: 'date-time',
    example: '2026-01-15T03:00:00.000Z',
    description: 'When the snapshot was taken',
  })
  timestamp!: string;

  static from(m: MetricsSnapshot): MetricsResponseDto {
    return {
      jobs_submitted: m.jobsSubmitted,
      jobs_completed: m.jobsCompleted,
      jobs_failed: m.jobsFailed,
      jobs_retried: m.jobsRetried,
      jobs_dead_letter: m.jobsDeadLetter,
      jobs_cancelled: m.jobsCancelled,
      avg_processing_time_ms: m.processing.avgMs,
      p50_processing_time_ms: m.processing.p50Ms,
      p95_processing_time_ms: m.processing.p95Ms,
      p99_processing_time_ms: m.processing.p99Ms,
      avg_queue_wait_ms: m.queueWait.avgMs,
      p95_queue_wait_ms: m.queueWait.p95Ms,
      success_rate: m.successRate,
      job_type_stats: Object.fromEntries(
        Object.entries(m.jobTypeStats).map(([type, s]) => [type, JobTypeStatsDto.from(s)]),
      ),
      jobs_by_type: m.jobsByType,
      queue_sizes: QueueStatsResponseDto.from(m.queueSizes),
      total_workers: m.totalWorkers,
      healthy_workers: m.healthyWorkers,
      uptime_seconds: m.uptimeSeconds,
      timestamp: m.timestamp.toISOString(),
    };
  }
}

export class WorkerDto {
  @ApiProperty({ example: 'worker-1.example:4182:3f9a' }) worker_id!: string;
  @ApiProperty({ example: 'worker-1.example' }) host!: string;
  @ApiProperty() pid!: number;
  @ApiProperty() concurrency!: number;
  @ApiProperty({ type: [String] }) running_job_ids!: string[];
  @ApiProperty() jobs_processed!: number;
  @ApiProperty() jobs_failed!: number;
  @ApiProperty() is_running!: boolean;
  @ApiProperty() healthy!: boolean;
  @ApiProperty({ format: 'date-time', example: '2026-01-15T03:00:00.000Z' }) started_at!: string;
  @ApiProperty({ format: 'date-time', example: '2026-01-15T03:00:00.000Z' })
  last_heartbeat!: string;
  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'null before its first job',
  })
  last_job_started_at!: string | null;

  static from(w: RegisteredWorker): WorkerDto {
    return {
      worker_id: w.workerId,
      host: w.host,
      pid: w.pid,
      concurrency: w.concurrency,
      running_job_ids: w.runningJobIds,
      jobs_processed: w.processed,
      jobs_failed: w.failed,
      is_running: w.isRunning,
      healthy: w.healthy,
      started_at: new Date(w.startedAt).toISOString(),
      last_heartbeat: new Date(w.lastHeartbeatAt).toISOString(),
      last_job_started_at: iso(w.lastJobStartedAt),
    };
  }
}

export class WorkerPoolResponseDto {
  @ApiProperty({ description: 'Worker processes with a live heartbeat' }) total_workers!: number;
  @ApiProperty({ description: 'Live, running and beating on time' }) healthy_workers!: number;
  @ApiProperty() total_jobs_processed!: number;
  @ApiProperty() total_jobs_failed!: number;
  @ApiProperty() is_running!: boolean;
  @ApiProperty({ type: [WorkerDto] }) workers!: WorkerDto[];

  static from(p: WorkerPoolSnapshot): WorkerPoolResponseDto {
    return {
      total_workers: p.totalWorkers,
      healthy_workers: p.healthyWorkers,
      total_jobs_processed: p.totalJobsProcessed,
      total_jobs_failed: p.totalJobsFailed,
      is_running: p.isRunning,
      workers: p.workers.map((w) => WorkerDto.from(w)),
    };
  }
}
