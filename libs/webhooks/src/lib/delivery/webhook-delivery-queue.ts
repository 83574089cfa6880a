import Bull from 'bull';
import type Redis from 'ioredis';
import { RIPTIDE_QUEUE_NAME } from '@riptide/queue';
import { closeRedis, createRedis, whenReady } from '@riptide/redis';
import { deliveryQueueName } from '../redis/webhook-keys';
import { ResolvedWebhooksOptions } from '../webhooks-options.interface';
import { DeliveryJobData } from './webhook-delivery.interface';

const CONNECT_WAIT_MS = 2000;

/**
 * Closes one of bull's extra connections without failing a request still on it (bull names its
 * blocking connection as the worker starts, and rethrows when that request is cut off): a
 * connection still connecting gets a moment to come up, a ready one QUITs after its replies, a
 * blocked one is dropped (its blocking read is all it waits for).
 */
async function settleAndClose(connection: Redis): Promise<void> {
  if (connection.status === 'connecting' || connection.status === 'connect')
    await Promise.race([
      whenReady(connection),
      new Promise((resolve) => setTimeout(resolve, CONNECT_WAIT_MS).unref()),
    ]);
  if ((connection as Redis & { blocked?: boolean }).blocked) connection.disconnect();
  else await closeRedis(connection);
}

/**
 * The plain bull queue of the deliveries, `<queue>-webhooks` under the queue's prefix, on
 * connections of its own: the job queue's connection has bull's scripts redefined with the
 * listing-index upkeep, which must never run for a delivery. Its failed set is the dead letter.
 */
export function createDeliveryQueue(options: ResolvedWebhooksOptions): {
  queue: Bull.Queue<DeliveryJobData>;
  client: Redis;
  close: () => Promise<void>;
} {
  const client = createRedis(options.redisUrl, 'worker', 'riptide-webhooks-deliveries');
  const own: Redis[] = [];
  const queue = new Bull<DeliveryJobData>(deliveryQueueName(RIPTIDE_QUEUE_NAME), {
    prefix: options.prefix,
    createClient: (type) => {
      if (type === 'client') return client;
      const connection = createRedis(options.redisUrl, 'blocking', `riptide-webhooks-${type}`);
      own.push(connection);
      return connection;
    },
    defaultJobOptions: {
      attempts: options.maxAttempts,
      backoff: { type: 'exponential', delay: options.backoffBaseMs },
      // Kept as long as the delivery record: a repeat of the same event to the same target
      // finds the finished delivery by its id and adds nothing.
      // At least an hour, and well past the takeover of an entry a dead dispatcher held.
      removeOnComplete: {
        age: Math.max(options.recordTtlSecs, (options.claimIdleMs / 1000) * 10, 3600),
      },
      removeOnFail: { age: Math.max(options.recordTtlSecs, 86400) },
    },
  });
  return {
    queue,
    client,
    close: async () => {
      await queue.close().catch(() => undefined);
      await Promise.all(own.map(settleAndClose));
      await closeRedis(client);
    },
  };
}
