import Bull from 'bull';
import type Redis from 'ioredis';
import { ResolvedQueueOptions } from '../queue-options.interface';
import { RIPTIDE_BACKOFF } from '../queue.constants';
import { RetryConfig } from '../model/job.interface';
import { retryDelayMs } from '../model/retry-policy.util';
import { createRedis } from './redis-connection.util';

/**
 * Creates the bull queue. `client` is the connection for ordinary commands: the producer's
 * fail-fast one, or a worker connection that waits out a Redis restart.
 */
export function createBullQueue(options: ResolvedQueueOptions, client: Redis, label: string): Bull.Queue {
  const worker = options.worker;
  return new Bull(options.queueName, {
    prefix: options.prefix,
    createClient: (type) =>
      type === 'client' ? client : createRedis(options.redisUrl, 'blocking', `riptide-${label}-${type}`),
    settings: {
      lockDuration: worker.lockDurationMs,
      lockRenewTime: Math.floor(worker.lockDurationMs / 2),
      stalledInterval: worker.stalledIntervalMs,
      maxStalledCount: worker.maxStalledCount,
      retryProcessDelay: 1000,
      backoffStrategies: {
        // bull passes the number of executions so far; the n-th retry follows the n-th failure.
        [RIPTIDE_BACKOFF]: (attemptsMade: number, _error: Error, config: RetryConfig) =>
          Math.max(1, retryDelayMs(config, attemptsMade)),
      },
    } as Bull.AdvancedSettings,
  });
}
