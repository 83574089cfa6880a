import { ReplicaWait } from '@riptide/redis';
import { JobLimits } from './model/job-limits.interface';

/** Worker side of a process: how many jobs it runs and how it recovers from dead workers. */
export interface WorkerOptions {
  /** Concurrent jobs in this process (WORKER_POOL_SIZE); 0 = this process runs no workers. */
  poolSize: number;
  /** Identifies this process in job status and the worker registry. Default `<host>:<pid>:<random>`. */
  workerId?: string;
  /** A job whose worker stops renewing its lock this long is run again elsewhere. Default 30000. */
  lockDurationMs?: number;
  /** How often each worker looks for jobs whose worker died. Default 30000. */
  stalledIntervalMs?: number;
  /** Times a job may be recovered from a dead worker before it is dead-lettered. Default 2. */
  maxStalledCount?: number;
  /** On shutdown, how long running jobs may finish before they are handed back. Default 25000. */
  shutdownGraceMs?: number;
}

/** Options of QueueModule.forRoot / forRootAsync. */
export interface QueueModuleOptions {
  /** Redis URL: redis://, rediss://, redis-sentinel://… or redis-cluster://… (see RedisDeployment). */
  redisUrl: string;
  /** Key prefix; on Redis Cluster it must hold a hash tag (`{riptide}`). Default `riptide`. */
  prefix?: string;
  /**
   * Replicas that must hold a submission before it is acknowledged (REDIS_WAIT_REPLICAS), and how
   * long to wait for them before answering QueueUnavailableError. Default: none, 1000 ms.
   */
  replicaWait?: { replicas: number; timeoutMs?: number };
  /** How long results stay readable (RESULT_TTL_SECS). Default 3600. */
  resultTtlSecs?: number;
  /** Completed jobs are removed after this age (COMPLETED_TTL_SECS). Default 86400. */
  completedTtlSecs?: number;
  /** Failed, dead-lettered and cancelled jobs are removed after this age (FAILED_TTL_SECS). Default 604800. */
  failedTtlSecs?: number;
  /** Bounds on submitted input; see JobLimits for defaults. */
  limits?: Partial<JobLimits>;
  /** Longest a producer call waits for Redis before failing with QueueUnavailableError. Default 1500. */
  commandTimeoutMs?: number;
  /** Worker settings; omitted or poolSize 0 = producer only. */
  worker?: WorkerOptions;
}

/** Options with every default applied; what the services use. */
export interface ResolvedQueueOptions {
  redisUrl: string;
  prefix: string;
  queueName: string;
  resultTtlSecs: number;
  completedTtlSecs: number;
  failedTtlSecs: number;
  limits: JobLimits;
  commandTimeoutMs: number;
  replicaWait: ReplicaWait;
  worker: Required<WorkerOptions>;
}
