export const MetricsMessages = {
  redisUnreachable: 'Redis is not reachable',
  redisCannotPersist:
    'Redis cannot write to its disk (full or read-only) and refuses writes until that is fixed',
  redisNearlyFull: (percent: number) =>
    `Redis uses ${percent}% of its maxmemory; when it is full, writes are refused and submissions answer 503`,
  queueStalled: (waiting: number, seconds: number) =>
    `${waiting} job(s) waiting and no job started in the last ${seconds} s`,
  noHealthyWorker: (waiting: number) => `${waiting} job(s) waiting and no healthy worker process`,
  schedulerNotConfigured: 'not configured',
  schedulerUnhealthy: 'scheduler reports unhealthy',
  eventLoopBlocked: (delayMs: number, thresholdMs: number) =>
    `event loop blocked for ${delayMs} ms (threshold ${thresholdMs} ms)`,
  invalidOption: (name: string, rule: string) => `MetricsModule option ${name} ${rule}`,
} as const;
