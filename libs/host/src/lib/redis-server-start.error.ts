/** The private redis-server could not be started. */
export class RedisServerStartError extends Error {
  constructor(detail: string) {
    super(
      `Could not start the embedded redis-server (${detail}). Install redis-server or set REDIS_URL.`,
    );
    this.name = 'RedisServerStartError';
  }
}
