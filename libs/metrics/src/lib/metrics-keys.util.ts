import { QueueKeys } from '@riptide/queue';

/**
 * Redis keys of the metrics, under the queue's own prefix so a hash-tagged prefix keeps them in
 * the queue's Redis Cluster slot. Only server-generated worker ids appear in a key.
 */
export class MetricsKeys {
  private readonly base: string;

  constructor(queueKeys: QueueKeys) {
    this.base = `${queueKeys.base}rt:`;
  }

  /** Hash of counters: `<counter>` and `<counter>:<job type>`. */
  get counters(): string {
    return `${this.base}metrics:counters`;
  }

  /** Hash of a distribution: `<type>:b:<bucket>`, `<type>:le:<prometheus bucket>`, `<type>:sum`, `<type>:n`. */
  distribution(name: 'processing' | 'wait'): string {
    return `${this.base}metrics:${name}`;
  }

  /** When any worker last started a job (ms since the epoch). */
  get lastStarted(): string {
    return `${this.base}metrics:last_started`;
  }

  /** Sorted set of registered worker ids, scored by their last heartbeat. */
  get workers(): string {
    return `${this.base}workers`;
  }

  /** One worker's heartbeat record; expires when the worker stops beating. */
  worker(workerId: string): string {
    return `${this.base}worker:${workerId}`;
  }
}
