import type { ReplicaWait } from '@riptide/redis';
/** Options of SchedulerModule.forRoot / forRootAsync. */
export interface SchedulerModuleOptions {
  /** Redis URL (as QueueModule's: redis://, rediss://, redis-sentinel://, redis-cluster://); the same Redis as the queue. */
  redisUrl: string;
  /** Key prefix; schedules live under `<prefix>:scheduler:`. Default `riptide`. */
  prefix?: string;
  /** Most schedules that may exist (SCHEDULER_MAX_SCHEDULES). Default 1000. */
  maxSchedules?: number;
  /** Shortest allowed gap between two slots of a schedule (SCHEDULER_MIN_INTERVAL_SECS). Default 1. */
  minIntervalSecs?: number;
  /** Whether this process fires due schedules (WORKER_ENABLE_SCHEDULER); the CRUD API works either way. Default true. */
  enabled?: boolean;
  /** Longest a CRUD call waits for Redis before failing with QueueUnavailableError. Default 1500. */
  commandTimeoutMs?: number;
  /** Longest the fire loop sleeps between two looks at due schedules. Default 250. */
  tickMs?: number;
  /** A claimed slot whose job was not recorded within this time is submitted by another process. Default 15000. */
  claimLeaseMs?: number;
  /** Fires kept per schedule in its fire log. Default 1000. */
  fireLogSize?: number;
  /** Identifies this process in the fire log. Default `<host>:<pid>`. */
  instanceId?: string;
  /**
   * Replicas that must hold a schedule's creation, change or removal before it is acknowledged
   * (REDIS_WAIT_REPLICAS), and how long to wait for them. Default: none, 1000 ms.
   */
  replicaWait?: { replicas: number; timeoutMs?: number };
}

/** Options with every default applied. */
export type ResolvedSchedulerOptions = Required<Omit<SchedulerModuleOptions, 'replicaWait'>> & {
  replicaWait: ReplicaWait;
};
