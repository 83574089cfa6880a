/** Every user-facing sentence of the queue library, in one place. */
export const QueueMessages = {
  invalidJob: (problems: string[]) => `Invalid job: ${problems.join('; ')}`,
  jobNotFound: (jobId: string) => `Job ${jobId} not found`,
  cannotCancel: (jobId: string, status: string) =>
    `Job ${jobId} is already ${status} and cannot be cancelled`,
  cannotReplay: (jobId: string, status: string) =>
    `Job ${jobId} is ${status}; only DeadLetter, Failed or Cancelled jobs can be replayed`,
  resultNotReady: (jobId: string, status: string) =>
    `Result of job ${jobId} is not ready (status ${status})`,
  resultExpired: (jobId: string, ttlSecs: number) =>
    `Result of job ${jobId} has expired (results are kept ${ttlSecs} seconds)`,
  clusterPrefixWithoutHashTag: (prefix: string) =>
    `The key prefix "${prefix}" has no hash tag: on Redis Cluster every key of the queue must be in one slot, so use a prefix like {${prefix.replace(/[{}]/g, '') || 'riptide'}} (RIPTIDE_PREFIX)`,
  timedOut: (secs: number) => `Job timed out after ${secs} seconds`,
  cancelled: 'Job was cancelled',
  unhandledCustomType: (jobName: string) =>
    `no worker handles custom job type '${jobName}'; start a worker with a handler for it`,
  handlerMissingHere: (type: string, workerId: string, handled: string[]) =>
    `worker ${workerId} has no handler for job type '${type}' (it handles ${handled.join(', ')}); the job waits for a worker that has one`,
  noHandlers:
    'This worker has no job handlers: provide at least one @JobHandler or @CustomJobHandler method (ProcessorsModule brings the built-in ones), or set the worker pool size to 0.',
  duplicateHandler: (key: string, first: string, second: string) =>
    `Two handlers registered for ${key}: ${first} and ${second}; keep one`,
  stackedHandler: (key: string, source: string) =>
    `Two handler decorators for ${key} on one method, ${source}; keep one`,
  stalledTooOften: 'Job stalled more than the allowed number of times (its worker stopped)',
  tenantQuota: (tenant: string, unfinished: number, quota: number) =>
    `Tenant ${tenant} has ${unfinished} unfinished jobs, its quota is ${quota} (TENANT_MAX_ACTIVE_JOBS or the key's max_active_jobs); wait for some to finish`,
  jobIdNotUuid: 'must be a UUID',
  jobIdTaken: 'is already the id of another job',
  integerUpToCeiling: (min: number, max: number, setting: string) =>
    `must be an integer from ${min} to ${max} (${setting})`,
  unknownMaintenanceTask: (known: readonly string[]) =>
    `must be one of the maintenance tasks: ${known.join(', ')}`,
  aboveCeiling: (max: number, setting: string) => `must be at most ${max} (${setting})`,
  robotsOverrideRefused: (setting: string) => `may be false only where ${setting}=true`,
  invalidEventId: (source: string) =>
    `${source} must be the id of an event, as sent on its id: line (digits-digits, e.g. 1733250000000-0)`,
} as const;
