import { randomBytes } from 'node:crypto';
import Redis, { Cluster } from 'ioredis';

/**
 * URL of the private Redis the jest global setup started (never a Redis on 6379): a `redis://` URL,
 * or a `redis-cluster://` one when the run was started with RIPTIDE_TEST_REDIS=cluster.
 */
export function testRedisUrl(): string {
  const url = process.env['RIPTIDE_TEST_REDIS_URL'];
  if (!url)
    throw new Error(
      'RIPTIDE_TEST_REDIS_URL is not set: run the tests through jest (jest.preset.js starts redis-server)',
    );
  return url;
}

const CLUSTER_URL = /^redis-cluster:\/\/(.+)$/;

/** True when the tests run against a Redis Cluster. */
export function testingOnCluster(url = process.env['RIPTIDE_TEST_REDIS_URL'] ?? ''): boolean {
  return CLUSTER_URL.test(url);
}

/**
 * A key prefix no other test uses, so tests never see each other's jobs. On a Cluster it is a
 * hash tag (`{rt-…}`), so that all of a test's keys share one slot, as the service requires.
 */
export function uniquePrefix(label = 'test'): string {
  const prefix = `rt-${label}-${randomBytes(4).toString('hex')}`;
  return testingOnCluster() ? `{${prefix}}` : prefix;
}

/**
 * A plain connection for a test to look at or change Redis directly, for either kind of test URL
 * (ioredis itself reads only `redis://`). Options apply to the server's (or each node's) connection.
 */
export function connectTestRedis(
  url: string,
  options: { maxRetriesPerRequest?: number | null } = {},
): Redis {
  const cluster = CLUSTER_URL.exec(url);
  if (!cluster) return new Redis(url, options);
  const nodes = cluster[1].split(',').map((address) => {
    const colon = address.lastIndexOf(':');
    return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
  });
  // Typed as Redis, as the service's own connections are: the commands tests use are the same.
  return new Cluster(nodes, { redisOptions: options }) as unknown as Redis;
}

/** Every key matching a glob `pattern`, found with SCAN on the server or on every primary of a Cluster. */
export async function findKeys(url: string, pattern: string): Promise<string[]> {
  const found: string[] = [];
  await forEachServer(url, async (server) => {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  });
  return found;
}

/** Deletes every key under a prefix (cleanup after a test), on every primary of a Cluster. */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  await forEachServer(url, async (server) => {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      // One DEL per key: on a Cluster, one DEL may only name keys of one slot.
      if (keys.length) await Promise.all(keys.map((key) => server.del(key)));
    } while (cursor !== '0');
  });
}

/** Runs `operation` on the test server, or on each primary of a Cluster (a plain connection to each). */
export async function forEachServer(
  url: string,
  operation: (server: Redis) => Promise<void>,
): Promise<void> {
  const client = connectTestRedis(url) as Redis | Cluster;
  try {
    for (const server of client instanceof Cluster ? await mastersOf(client) : [client])
      await operation(server);
  } finally {
    client.disconnect();
  }
}

async function mastersOf(cluster: Cluster): Promise<Redis[]> {
  if (cluster.status !== 'ready') await new Promise((resolve) => cluster.once('ready', resolve));
  return cluster.nodes('master');
}
