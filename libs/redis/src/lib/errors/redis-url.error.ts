/** A Redis URL that does not name a deployment this service can use; the message says why. */
export class RedisUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUrlError';
  }
}
