import type Redis from 'ioredis';

/**
 * Coalesces the counter writes made during one turn of the event loop into a single pipeline:
 * HINCRBYs on the same field are summed, and for a SET the last value wins. Under load this turns one
 * round trip per job event into one per turn (a submit burst of 50 requests costs one pipeline, not 50);
 * when idle, a write still reaches Redis on the next turn.
 */
export class RedisIncrementBatch {
  private increments = new Map<string, Map<string, number>>();
  private values = new Map<string, string>();
  private flushing: Promise<void> | null = null;

  /** `onError` hears about a pipeline that failed; its writes are not retried (they are metrics). */
  constructor(
    private readonly redis: Redis,
    private readonly onError: (error: Error) => void,
  ) {}

  hincrby(key: string, field: string, by: number): void {
    let fields = this.increments.get(key);
    if (!fields) this.increments.set(key, (fields = new Map()));
    fields.set(field, (fields.get(field) ?? 0) + by);
    this.schedule();
  }

  set(key: string, value: string | number): void {
    this.values.set(key, String(value));
    this.schedule();
  }

  /** Writes whatever is pending now (shutdown, tests); resolves once Redis has it. */
  async flush(): Promise<void> {
    await this.flushing;
    await this.write();
  }

  private schedule(): void {
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.flushing = null;
      return this.write();
    });
  }

  private async write(): Promise<void> {
    if (this.increments.size === 0 && this.values.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [key, fields] of this.increments)
      for (const [field, by] of fields) pipeline.hincrby(key, field, by);
    for (const [key, value] of this.values) pipeline.set(key, value);
    this.increments = new Map();
    this.values = new Map();
    try {
      const failed = ((await pipeline.exec()) ?? []).find(([error]) => error);
      if (failed) this.onError(failed[0] as Error);
    } catch (error) {
      this.onError(error as Error);
    }
  }
}
