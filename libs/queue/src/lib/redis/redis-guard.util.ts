import type Redis from 'ioredis';
import { QueueUnavailableError } from '../errors/queue-unavailable.error';

const CONNECTION_ERROR = /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|MaxRetriesPerRequest|Reached the max retries/i;

/** True for errors that mean "Redis is not reachable", as opposed to a bad command. */
export function isConnectionError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'MaxRetriesPerRequestError' || CONNECTION_ERROR.test(error.message));
}

const FIRST_CONNECT = new Set(['wait', 'connecting', 'connect']);

/** Resolves when the client is ready to take commands. */
export function whenReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

/**
 * Runs a Redis operation that must answer quickly: fails at once when the connection is not
 * ready and after `timeoutMs` otherwise, so callers answer 503 instead of hanging.
 */
export async function withRedisDeadline<T>(client: Redis, timeoutMs: number, operation: () => Promise<T>): Promise<T> {
  // A connection that was lost fails at once; one still opening for the first time is awaited.
  if (client.status !== 'ready' && !FIRST_CONNECT.has(client.status)) throw new QueueUnavailableError(client.status);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailableError('timeout')), timeoutMs);
  });
  try {
    if (client.status !== 'ready') await Promise.race([whenReady(client), deadline]);
    return await Promise.race([operation(), deadline]);
  } catch (error) {
    if (isConnectionError(error)) throw new QueueUnavailableError((error as Error).message);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
