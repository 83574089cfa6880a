import { Inject, Injectable } from '@nestjs/common';
import {
  JobContext,
  JobHandler,
  MaintenanceJob,
  MaintenanceTaskType,
  NonRetryableJobError,
  QueueService,
  RESOLVED_QUEUE_OPTIONS,
  ResolvedQueueOptions,
} from '@riptide/queue';
import { ProcessorsMessages } from '../processors.messages';

type Task = (job: MaintenanceJob, context: JobContext) => Promise<unknown>;

/**
 * Maintenance jobs: `health_check` and `cleanup` (MAINTENANCE_TASK_TYPES, which submission checks);
 * a job stored before a task was withdrawn fails and lists the valid ones.
 */
@Injectable()
export class MaintenanceProcessor {
  private readonly tasks: Record<MaintenanceTaskType, Task> = {
    health_check: () => this.healthCheck(),
    cleanup: (job) => this.cleanup(job),
  };

  constructor(
    private readonly queue: QueueService,
    @Inject(RESOLVED_QUEUE_OPTIONS) private readonly options: ResolvedQueueOptions,
  ) {}

  @JobHandler('maintenance')
  async run(job: MaintenanceJob, context: JobContext): Promise<unknown> {
    const task = Object.hasOwn(this.tasks, job.taskType)
      ? this.tasks[job.taskType as MaintenanceTaskType]
      : undefined;
    if (!task)
      throw new NonRetryableJobError(
        ProcessorsMessages.unknownTask(job.taskType, Object.keys(this.tasks).sort()),
        { errorCode: 'unknown_task' },
      );
    return task(job, context);
  }

  /** Checks Redis round trip and reads the queue's counts. */
  private async healthCheck() {
    const redisLatencyMs = Math.round((await this.queue.ping()) * 100) / 100;
    const counts = await this.queue.counts();
    return { status: 'ok', redisLatencyMs, queue: counts, checkedAt: new Date().toISOString() };
  }

  /**
   * Removes finished jobs older than `older_than_secs` (default: the completed-job TTL) and
   * index entries of jobs already gone.
   */
  private async cleanup(job: MaintenanceJob) {
    const raw = job.parameters?.['older_than_secs'] ?? this.options.completedTtlSecs;
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0)
      throw new NonRetryableJobError(
        ProcessorsMessages.invalidParameter(
          'cleanup',
          'older_than_secs',
          'must be a non-negative integer',
        ),
      );
    const removed = await this.queue.removeFinishedOlderThan(raw);
    return {
      olderThanSecs: raw,
      removedCompleted: removed.completed,
      removedFailed: removed.failed,
      prunedIndexEntries: removed.indexEntries,
    };
  }
}
