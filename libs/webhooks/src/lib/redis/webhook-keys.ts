/**
 * Every Redis key of the webhooks, under the queue's key base `<prefix>:<queue>:` (the same
 * Cluster slot as the queue's keys with a hash-tagged prefix). Only tenant names that match
 * TENANT_PATTERN and server-generated job ids appear in a key.
 */
export class WebhookKeys {
  readonly base: string;

  constructor(prefix: string, queueName: string) {
    this.base = `${prefix}:${queueName}:`;
  }

  /** The stream of job events meant for webhooks (written by the queue's scripts). */
  get eventOutbox(): string {
    return `${this.base}rt:events:outbox`;
  }

  /** A tenant's standing subscriptions: hash id → JSON. The queue's scripts test whether it EXISTS. */
  subscriptions(tenant: string): string {
    return `${this.base}rt:webhooks:t:${tenant}`;
  }

  /** A tenant's signing secrets: hash {current, previous, previous_until}. */
  secret(tenant: string): string {
    return `${this.base}rt:webhooks:secret:${tenant}`;
  }

  /** A job's delivery attempts, oldest first (a capped list). */
  deliveries(jobId: string): string {
    return `${this.base}rt:deliveries:${jobId}`;
  }
}

/** The bull queue of the deliveries: `<queue>-webhooks`, beside the job queue. */
export const deliveryQueueName = (queueName: string): string => `${queueName}-webhooks`;
