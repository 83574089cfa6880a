import type { Cluster, Redis } from 'ioredis';
import { QueueUnavailableError } from './errors/queue-unavailable.error';
import { isCluster } from './redis-connection.util';
import { withRedisDeadline } from './redis-guard.util';

/** How many replicas must hold a write before it is acknowledged (REDIS_WAIT_REPLICAS). */
export interface ReplicaWait {
  /** Replicas that must confirm; 0 = acknowledge once the primary has it. */
  replicas: number;
  /** Longest wait for them before the write is reported unconfirmed. */
  timeoutMs: number;
}

/**
 * Waits until `wait.replicas` replicas hold every write made so far on `client`, with Redis's
 * WAIT on that same connection (WAIT counts the writes of the connection it runs on). On a
 * Cluster each master is asked: the one that took the write waits for its replicas, the others
 * answer at once. Throws QueueUnavailableError (a 503) when too few confirm in time: the write
 * is on the primary but could be lost with it, so it is not claimed as durable.
 */
export async function waitForReplicas(client: Redis | Cluster, wait: ReplicaWait): Promise<void> {
  if (wait.replicas <= 0) return;
  const { replicas, timeoutMs } = wait;
  const confirmed = await withRedisDeadline(client, timeoutMs + 1000, async () => {
    if (!isCluster(client)) return client.wait(replicas, timeoutMs);
    const perMaster = await Promise.all(
      client.nodes('master').map((node) => node.wait(replicas, timeoutMs)),
    );
    return Math.min(...perMaster);
  });
  if (confirmed < replicas)
    throw new QueueUnavailableError(
      `only ${confirmed} of ${replicas} replicas confirmed the write within ${timeoutMs} ms`,
    );
}
