import Redis, { RedisOptions } from 'ioredis';

/**
 * How a connection behaves while Redis is away:
 * - `producer`: commands fail at once (no offline queue), so an API call answers 503 quickly
 *   and a submission is never replayed behind the caller's back after a reconnect;
 * - `worker`: commands wait for the reconnect, so a finishing job's completion is not lost;
 * - `blocking`: bull's blocking and subscriber connections (bull requires these settings).
 */
export type RedisRole = 'producer' | 'worker' | 'blocking';

/** Reconnect quickly at first, then every 2 s at most, forever: workers resume by themselves. */
const retryStrategy = (times: number): number => Math.min(100 * times, 2000);

export function redisOptionsFor(role: RedisRole): RedisOptions {
  const common: RedisOptions = { retryStrategy, connectTimeout: 2000, keepAlive: 10000 };
  switch (role) {
    case 'producer':
      return { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true };
    case 'worker':
      return { ...common, maxRetriesPerRequest: null, enableAutoPipelining: true };
    case 'blocking':
      return { ...common, maxRetriesPerRequest: null, enableReadyCheck: false };
  }
}

/**
 * Closes a connection: politely (QUIT, after the replies still due) when it is up, at once when it
 * is not, so that a shutdown never waits for a Redis that is away.
 */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}

export function createRedis(url: string, role: RedisRole, connectionName?: string): Redis {
  const client = new Redis(url, { ...redisOptionsFor(role), connectionName, lazyConnect: false });
  // Errors surface through the commands that fail; an unhandled 'error' event would crash the process.
  client.on('error', () => undefined);
  return client;
}
