import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type Bull from 'bull';
import type Redis from 'ioredis';
import { JobCancelledError } from '../errors/job-cancelled.error';
import { JobTimeoutError } from '../errors/job-timeout.error';
import { NonRetryableJobError } from '../errors/non-retryable-job.error';
import { WorkerShutdownError } from '../errors/worker-shutdown.error';
import { JobEvents } from '../job-events.service';
import { INLINE_RESULT_MAX_BYTES, StoredJobData, StoredResult } from '../model/job-codec.util';
import { RecordedOutcome } from '../model/job-status.util';
import { JobTypeName, JsonValue } from '../model/job.interface';
import { DEFAULT_TENANT } from '../model/tenant.util';
import { ResolvedQueueOptions } from '../queue-options.interface';
import { RESOLVED_QUEUE_OPTIONS } from '../queue.constants';
import { QueueService } from '../queue.service';
import { createBullQueue } from '../redis/bull-queue.factory';
import { QueueKeys } from '../redis/queue-keys';
import { createRedis } from '@riptide/redis';
import { ScriptedRedis, defineQueueScripts } from '../scripts/queue-scripts';
import { sleep } from './abort.util';
import { AttemptEnd, FencedAttempt } from './fenced-attempt';
import { HandledJobTypes } from './handled-job-types.service';
import { JobAbort } from './job-abort';
import { JobHandlerRegistry } from './job-handler-registry.service';
import { workerLockToken } from './worker-lock-token.util';

interface RunningJob {
  abort: JobAbort;
  startedAt: number;
}

/** Counters of this worker process since it started. */
export interface WorkerProcessStats {
  workerId: string;
  concurrency: number;
  startedAt: Date;
  processed: number;
  failed: number;
  runningJobIds: string[];
  isRunning: boolean;
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
const CANCEL_POLL_MS = 1000;
/** How long a cancel message for a job not (yet) running here is remembered. */
const EARLY_CANCEL_MS = 5000;
/** How often this process runs one bounded reconciliation step of the listing indexes. */
const RECONCILE_MS = 5000;
/** How often a worker records its job types again, in case the set was lost with Redis's data. */
const HANDLED_TYPES_REFRESH_MS = 30_000;

/**
 * Runs jobs from the queue in this process when the pool size is above 0: enforces timeouts,
 * aborts cancelled jobs, records outcomes, and on shutdown hands unfinished work back.
 */
@Injectable()
export class WorkerRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WorkerRuntime');
  private readonly keys: QueueKeys;
  private readonly running = new Map<string, RunningJob>();
  /** What this worker's bull queue writes in the lock of each job it takes (worker-lock-token.util.ts). */
  private readonly lockToken: string;
  /** Cancel messages for jobs not running here when they came, by arrival time (see onCancelMessage). */
  private readonly earlyCancels = new Map<string, number>();
  private queue?: Bull.Queue;
  private client?: ScriptedRedis;
  private subscriber?: Redis;
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;
  private processed = 0;
  private failed = 0;
  private readonly startedAt = new Date();

  constructor(
    @Inject(RESOLVED_QUEUE_OPTIONS) private readonly options: ResolvedQueueOptions,
    private readonly registry: JobHandlerRegistry,
    private readonly events: JobEvents,
    private readonly queueService: QueueService,
    private readonly handledTypes: HandledJobTypes,
  ) {
    this.keys = new QueueKeys(options.prefix, options.queueName);
    this.lockToken = workerLockToken(options.worker.workerId);
  }

  get workerId(): string {
    return this.options.worker.workerId;
  }

  get enabled(): boolean {
    return this.options.worker.poolSize > 0;
  }

  stats(): WorkerProcessStats {
    return {
      workerId: this.workerId,
      concurrency: this.options.worker.poolSize,
      startedAt: this.startedAt,
      processed: this.processed,
      failed: this.failed,
      runningJobIds: [...this.running.keys()],
      isRunning: !!this.queue && !this.stopping,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    this.registry.assertNotEmpty();
    const { redisUrl, worker } = this.options;
    // Before the first job is taken: from here on, submissions of these types are accepted.
    const types = this.registry.handledTypes;
    await this.recordHandledTypes(types);
    // The scripts first: bull then runs its job-moving scripts with the index upkeep (bull-hooks.script.ts).
    this.client = defineQueueScripts(
      createRedis(redisUrl, 'worker', `riptide-worker-${this.workerId}`),
      this.keys,
    );
    this.queue = createBullQueue(this.options, this.client, 'worker');
    // Before it takes a job: the jobs' locks then name this worker.
    (this.queue as unknown as { token: string }).token = this.lockToken;
    this.queue.on('error', (error: Error) => this.logger.warn(`queue error: ${error.message}`));
    this.subscriber = createRedis(redisUrl, 'blocking', 'riptide-worker-cancel');
    this.subscriber.on('message', (_channel: string, jobId: string) => this.onCancelMessage(jobId));
    await this.subscriber.subscribe(this.keys.cancelChannel);
    this.timers.push(
      setInterval(() => void this.pollCancelFlags().catch(() => undefined), CANCEL_POLL_MS),
      setInterval(
        () => void this.queueService.reconcileIndexes().catch(() => undefined),
        RECONCILE_MS,
      ),
      setInterval(() => void this.recordHandledTypes(types), HANDLED_TYPES_REFRESH_MS),
    );
    this.queue
      .process('*', worker.poolSize, (job: Bull.Job<StoredJobData>) => this.execute(job))
      .catch((error: Error) => this.logger.error(`worker stopped: ${error.message}`));
    this.logger.log(
      `worker ${this.workerId} running ${worker.poolSize} concurrent jobs of types ${types.join(', ')}`,
    );
  }

  /** Not fatal: with Redis away the worker cannot take jobs either, and the refresh tries again. */
  private async recordHandledTypes(types: string[]): Promise<void> {
    await this.handledTypes
      .record(types)
      .catch((error: Error) =>
        this.logger.warn(`could not record the job types this worker handles: ${error.message}`),
      );
  }

  /** Stop taking jobs, let running ones finish within the grace time, hand the rest back. */
  async beforeApplicationShutdown(): Promise<void> {
    const queue = this.queue;
    if (!queue || this.stopping) return;
    this.stopping = true;
    this.timers.forEach(clearInterval);
    await queue.pause(true, true).catch(() => undefined);
    const deadline = Date.now() + this.options.worker.shutdownGraceMs;
    while (this.running.size > 0 && Date.now() < deadline) await sleep(50);
    for (const job of this.running.values()) job.abort.abort(new WorkerShutdownError());
    const handedBack = await this.handBackAll().catch(() => [] as string[]);
    if (handedBack.length)
      this.logger.log(
        `handed back ${handedBack.length} unfinished job(s): ${handedBack.join(', ')}`,
      );
    await queue.close(true).catch(() => undefined);
    this.subscriber?.disconnect();
    this.client?.disconnect();
  }

  private async handBackAll(): Promise<string[]> {
    const k = this.keys;
    return this.client!.riptideHandBackAll(
      k.bull('active'),
      k.bull('wait'),
      k.bull('stalled'),
      this.lockToken,
    );
  }

  private abort(jobId: string, reason: Error): void {
    this.running.get(jobId)?.abort.abort(reason);
  }

  /**
   * A cancel of a running job aborts it. The message can also come just before the job it names
   * starts here: the cancel found the job active, but bull's reply that hands it to this process
   * comes on another connection. It is remembered a few seconds, for execute to honour at the start.
   */
  private onCancelMessage(jobId: string): void {
    if (this.running.has(jobId)) return this.abort(jobId, new JobCancelledError());
    const now = Date.now();
    for (const [id, at] of this.earlyCancels) {
      if (now - at < EARLY_CANCEL_MS) break;
      this.earlyCancels.delete(id);
    }
    // Deleted first so that a repeated message moves to the end: the map stays in arrival order,
    // which the loop above relies on to stop at the first entry still young.
    this.earlyCancels.delete(jobId);
    this.earlyCancels.set(jobId, now);
  }

  /** Pub/sub is fast but not durable; the flag on the job hash catches a missed message. */
  private async pollCancelFlags(): Promise<void> {
    if (!this.running.size || !this.client) return;
    const ids = [...this.running.keys()];
    const flags = await Promise.all(
      ids.map((id) => this.client!.hget(this.keys.job(id), 'rt_cancel')),
    );
    ids.forEach((id, i) => flags[i] && this.abort(id, new JobCancelledError()));
  }

  private async execute(bullJob: Bull.Job<StoredJobData>): Promise<unknown> {
    const jobId = String(bullJob.id);
    if (this.stopping) return never();
    const { record } = bullJob.data;
    const jobType = record.jobType.type;
    const attempt = bullJob.attemptsMade + 1;
    const startedAt = Date.now();
    let workEndedAt = startedAt;
    const abort = new JobAbort();
    // Every write of this attempt goes through it, checked against the job's lock; the events
    // (and so the metrics) follow what its end wrote, never what this process merely attempted.
    const fenced = new FencedAttempt(bullJob, {
      client: this.client!,
      keys: this.keys,
      resultTtlSecs: this.options.resultTtlSecs,
      outcomeOf: (error) => finalOutcome(error, attempt, record.retryConfig.maxAttempts),
      onEnd: (end) => this.recordEnd(jobId, jobType, end, workEndedAt - startedAt),
    });
    this.running.set(jobId, { abort, startedAt });
    if (this.earlyCancels.delete(jobId)) abort.abort(new JobCancelledError());
    const timer = setTimeout(
      () => abort.abort(new JobTimeoutError(record.timeoutSecs)),
      record.timeoutSecs * 1000,
    );
    const readyAt = Math.max(
      bullJob.timestamp,
      record.scheduledAt ? Date.parse(record.scheduledAt) : 0,
    );
    this.events.emit({ kind: 'started', jobId, jobType, waitMs: Math.max(0, startedAt - readyAt) });
    try {
      const work = Promise.resolve().then(() =>
        this.registry.run(record.jobType, {
          jobId,
          tenant: record.tenant ?? DEFAULT_TENANT,
          attempt,
          maxAttempts: record.retryConfig.maxAttempts,
          get signal() {
            return abort.signal;
          },
          deadline: startedAt + record.timeoutSecs * 1000,
          metadata: record.metadata,
          workerId: this.workerId,
          reportProgress: async (progress: JsonValue) =>
            void (await fenced.reportProgress(progress)),
        }),
      );
      const data = await abort.race(work);
      // A cancel that arrived as the handler returned still wins: a Cancelled job stays Cancelled.
      // (One that reached Redis but not yet this process is caught by the completion script.)
      if (abort.reason) throw abort.reason;
      const completedAt = (workEndedAt = Date.now());
      const durationMs = completedAt - startedAt;
      const stored: StoredResult = {
        data: data ?? null,
        processingTimeMs: durationMs,
        workerId: this.workerId,
        completedAt,
      };
      const json = JSON.stringify(stored);
      if (Buffer.byteLength(json) <= INLINE_RESULT_MAX_BYTES) return stored;
      fenced.keepResultApart(json);
      return {
        external: true,
        processingTimeMs: durationMs,
        workerId: this.workerId,
        completedAt,
      } satisfies StoredResult;
    } catch (caught) {
      workEndedAt = Date.now();
      const error = abort.reason ?? toError(caught);
      if (error instanceof WorkerShutdownError) return never();
      // bull hands it to job.moveToFailed, that is to the fenced failure script.
      throw error;
    } finally {
      clearTimeout(timer);
      this.running.delete(jobId);
    }
  }

  /** Counts and announces how an attempt ended, once its end is in Redis. */
  private recordEnd(
    jobId: string,
    jobType: JobTypeName,
    end: AttemptEnd,
    durationMs: number,
  ): void {
    if (end.kind === 'lost') {
      this.logger.warn(
        `job ${jobId}: this worker lost its lock (another worker has the job); the end of this attempt was discarded`,
      );
      return;
    }
    if (end.kind === 'completed') {
      this.processed++;
      this.events.emit({ kind: 'completed', jobId, jobType, durationMs });
      return;
    }
    this.failed++;
    const error = end.error.message;
    if (end.kind === 'Cancelled') this.events.emit({ kind: 'cancelled', jobId, jobType });
    else if (end.kind === 'Failed')
      this.events.emit({ kind: 'failed', jobId, jobType, durationMs, error });
    else if (end.kind === 'DeadLetter')
      this.events.emit({ kind: 'dead_letter', jobId, jobType, durationMs, error });
    else this.events.emit({ kind: 'retrying', jobId, jobType, durationMs, error });
  }
}

/** Decided where the error was raised: its class says whether another attempt can help. */
function finalOutcome(error: Error, attempt: number, maxAttempts: number): RecordedOutcome | null {
  if (error instanceof JobCancelledError) return 'Cancelled';
  if (
    error instanceof NonRetryableJobError ||
    (error as { retryable?: boolean }).retryable === false
  )
    return 'Failed';
  return attempt >= maxAttempts ? 'DeadLetter' : null;
}

function toError(value: unknown): Error {
  return value instanceof Error
    ? value
    : new Error(typeof value === 'string' ? value : JSON.stringify(value));
}
