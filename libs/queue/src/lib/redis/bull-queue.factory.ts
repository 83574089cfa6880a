import Bull from 'bull';
import type Redis from 'ioredis';
import { ResolvedQueueOptions } from '../queue-options.interface';
import { RIPTIDE_BACKOFF } from '../queue.constants';
import { RetryConfig } from '../model/job.interface';
import { retryDelayAfterMs } from '../model/retry-policy.util';
import { createRedis } from '@riptide/redis';

/**
 * Creates the bull queue. `client` is the connection for ordinary commands: the producer's
 * fail-fast one, or a worker connection that waits out a Redis restart; it stays the caller's to
 * close. The blocking and subscriber connections made here are closed with the queue: bull closes
 * only connections it made itself, never those of a `createClient`, and an open one would keep
 * reconnecting, and keep its process alive, after the app has closed.
 */
export function createBullQueue(
  options: ResolvedQueueOptions,
  client: Redis,
  label: string,
): Bull.Queue {
  const worker = options.worker;
  const ownConnections: Redis[] = [];
  const queue = new Bull(options.queueName, {
    prefix: options.prefix,
    createClient: (type) => {
      if (type === 'client') return client;
      const connection = createRedis(options.redisUrl, 'blocking', `riptide-${label}-${type}`);
      ownConnections.push(connection);
      return connection;
    },
    settings: {
      lockDuration: worker.lockDurationMs,
      lockRenewTime: Math.floor(worker.lockDurationMs / 2),
      stalledInterval: worker.stalledIntervalMs,
      maxStalledCount: worker.maxStalledCount,
      retryProcessDelay: 1000,
      backoffStrategies: {
        // bull passes the number of executions so far (the n-th retry follows the n-th failure)
        // and the error the attempt failed with, as thrown.
        [RIPTIDE_BACKOFF]: (attemptsMade: number, error: Error, config: RetryConfig) =>
          Math.max(1, retryDelayAfterMs(config, attemptsMade, error)),
      },
    } as Bull.AdvancedSettings,
  });
  queue.once('close', () => ownConnections.forEach((connection) => connection.disconnect()));
  return queue;
}
