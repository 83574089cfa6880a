import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import { RedisDeployment, parseRedisDeployment } from './redis-deployment.util';

/**
 * How a connection behaves while Redis is away:
 * - `producer`: commands fail at once (no offline queue), so an API call answers 503 quickly
 *   and a submission is never replayed behind the caller's back after a reconnect;
 * - `worker`: commands wait for the reconnect, so a finishing job's completion is not lost;
 *   each command is written as it is made (no auto-pipelining): a worker's jobs finish in bursts,
 *   and batching a burst's move scripts into one write made the worker and Redis take turns, each
 *   idle while the other worked (the worker's throughput went from ~3,800 to ~6,200 jobs/s in
 *   queue-throughput's processing step, Node 20). The producer keeps auto-pipelining: an API process
 *   answering many requests spends less CPU per request with fewer, larger writes;
 * - `blocking`: bull's blocking and subscriber connections (bull requires these settings).
 */
export type RedisRole = 'producer' | 'worker' | 'blocking';

/** Reconnect quickly at first, then every 2 s at most, forever: workers resume by themselves. */
const retryStrategy = (times: number): number => Math.min(100 * times, 2000);

export function redisOptionsFor(role: RedisRole): RedisOptions {
  const common: RedisOptions = { retryStrategy, connectTimeout: 2000, keepAlive: 10000 };
  switch (role) {
    case 'producer':
      return {
        ...common,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        enableAutoPipelining: true,
      };
    case 'worker':
      return { ...common, maxRetriesPerRequest: null, enableAutoPipelining: false };
    case 'blocking':
      return { ...common, maxRetriesPerRequest: null, enableReadyCheck: false };
  }
}

/**
 * The same behaviour on a Cluster: the offline queue, auto-pipelining and reconnects are the
 * Cluster's own settings; the per-command ones go to every node's connection. bull reads
 * `redisOptions` to check its blocking connections, so they carry `enableReadyCheck: false` there.
 */
export function clusterOptionsFor(
  role: RedisRole,
  connectionName?: string,
  credentials: { username?: string; password?: string } = {},
): ClusterOptions {
  const {
    retryStrategy: clusterRetryStrategy,
    enableOfflineQueue,
    enableAutoPipelining,
    ...perNode
  } = redisOptionsFor(role);
  return {
    clusterRetryStrategy,
    enableOfflineQueue,
    enableAutoPipelining,
    // A failover moves slots: ask the cluster again soon, and keep asking while it settles.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    slotsRefreshTimeout: 2000,
    redisOptions: { ...perNode, ...credentials, connectionName },
  };
}

/**
 * Closes a connection: politely (QUIT, after the replies still due) when it is up, at once when it
 * is not, so that a shutdown never waits for a Redis that is away.
 */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}

/** True when the connection is a Redis Cluster client (keyless commands reach any one master). */
export function isCluster(client: Redis | Cluster): client is Cluster {
  return (client as Cluster).isCluster === true;
}

function connect(
  deployment: RedisDeployment,
  role: RedisRole,
  connectionName?: string,
): Redis | Cluster {
  switch (deployment.kind) {
    case 'standalone':
      return new Redis(deployment.url, {
        ...redisOptionsFor(role),
        connectionName,
        lazyConnect: false,
      });
    case 'sentinel': {
      const { sentinels, name, username, password, db } = deployment;
      return new Redis({
        ...redisOptionsFor(role),
        sentinels,
        name,
        username,
        password,
        db,
        connectionName,
        sentinelRetryStrategy: retryStrategy,
        sentinelCommandTimeout: 1000,
        // A primary that a failover demoted refuses writes with READONLY (Sentinel also drops its
        // clients): ask the Sentinels again and resend, which is safe as the command was not run.
        reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
      });
    }
    case 'cluster':
      return new Cluster(deployment.nodes, clusterOptionsFor(role, connectionName, deployment));
  }
}

/**
 * Opens a connection for `role` to the deployment that `url` names (see RedisDeployment).
 * A Cluster client is handed out as `Redis`: it takes the same commands, defined scripts,
 * pipelines, MULTI (within one slot) and pub/sub. Where the two differ — a command without keys
 * goes to any one master, SCAN sees one node, WAIT must go to the master that took the write —
 * the callers ask `isCluster` (see forEachMaster and waitForReplicas).
 */
export function createRedis(url: string, role: RedisRole, connectionName?: string): Redis {
  const client = connect(parseRedisDeployment(url), role, connectionName);
  // Errors surface through the commands that fail; an unhandled 'error' event would crash the process.
  client.on('error', () => undefined);
  return client as Redis;
}

/** Runs `operation` on every master: once on a single server, on each primary of a Cluster (e.g. for SCAN). */
export async function forEachMaster(
  client: Redis | Cluster,
  operation: (node: Redis) => Promise<void>,
): Promise<void> {
  if (!isCluster(client)) return operation(client);
  for (const node of client.nodes('master')) await operation(node);
}
