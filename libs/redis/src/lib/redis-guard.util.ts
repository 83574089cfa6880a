import type { Cluster, Redis } from 'ioredis';
import { QueueUnavailableError } from './errors/queue-unavailable.error';
import { RedisCannotPersistError } from './errors/redis-cannot-persist.error';
import { RedisOutOfMemoryError } from './errors/redis-out-of-memory.error';

// The last line: a failover in progress (a demoted or loading primary, a Cluster moving slots).
const CONNECTION_ERROR = new RegExp(
  [
    "Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|MaxRetriesPerRequest|Reached the max retries",
    "All sentinels are unreachable|Cluster isn't ready|None of startup nodes is available|Failed to refresh slots cache",
    '^(READONLY|LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN) ',
  ].join('|'),
  'i',
);

/** True for errors that mean "Redis is not reachable", as opposed to a bad command. */
export function isConnectionError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'MaxRetriesPerRequestError' || CONNECTION_ERROR.test(error.message))
  );
}

// Redis's reply when `maxmemory` is reached; inside a script Redis 6 wraps it in an ERR, so it is not anchored.
const OUT_OF_MEMORY = /(^|\W)OOM command not allowed/;

/**
 * True when Redis refused a command because it reached `maxmemory`: a plain reply, a MULTI whose
 * queued command was refused (EXECABORT with the refusal among `previousErrors`), or a script's.
 */
export function isOutOfMemoryError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (OUT_OF_MEMORY.test(error.message)) return true;
  const previous = (error as { previousErrors?: unknown }).previousErrors;
  return Array.isArray(previous) && previous.some(isOutOfMemoryError);
}

// Redis's reply while it cannot write its AOF or RDB file (disk full or read-only); it then refuses
// every write, and under an AOF error even PING. Not anchored, for the same reason as OOM.
const CANNOT_PERSIST = /(^|\W)MISCONF /;

/** True when Redis refused a command because it cannot persist to its disk. */
export function isCannotPersistError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (CANNOT_PERSIST.test(error.message)) return true;
  const previous = (error as { previousErrors?: unknown }).previousErrors;
  return Array.isArray(previous) && previous.some(isCannotPersistError);
}

const FIRST_CONNECT = new Set(['wait', 'connecting', 'connect']);

/** Resolves when the client is ready to take commands. */
export function whenReady(client: Redis | Cluster): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

/**
 * Runs a Redis operation that must answer quickly: fails at once when the connection is not
 * ready and after `timeoutMs` otherwise, so callers answer 503 instead of hanging. A write that
 * Redis refuses for lack of memory becomes RedisOutOfMemoryError, one refused because Redis cannot
 * write to its disk RedisCannotPersistError (both 503, each with its own message).
 */
export async function withRedisDeadline<T>(
  client: Redis | Cluster,
  timeoutMs: number,
  operation: () => Promise<T>,
): Promise<T> {
  // A connection that was lost fails at once; one still opening for the first time is awaited.
  if (client.status !== 'ready' && !FIRST_CONNECT.has(client.status))
    throw new QueueUnavailableError(client.status);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailableError('timeout')), timeoutMs);
  });
  try {
    if (client.status !== 'ready') await Promise.race([whenReady(client), deadline]);
    return await Promise.race([operation(), deadline]);
  } catch (error) {
    if (isConnectionError(error)) throw new QueueUnavailableError((error as Error).message);
    if (isOutOfMemoryError(error)) throw new RedisOutOfMemoryError();
    if (isCannotPersistError(error)) throw new RedisCannotPersistError();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
