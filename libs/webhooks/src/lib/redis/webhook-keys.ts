import { QueueKeys } from '@riptide/queue';

/**
 * Every Redis key of the webhooks, under the queue's key base `<prefix>:<queue>:` (the same
 * Cluster slot as the queue's keys with a hash-tagged prefix). The outbox and the subscriptions
 * are the queue's names (its event scripts write the one and test the other); the rest are ours.
 * Only tenant names that match TENANT_PATTERN and server-generated job ids appear in a key.
 */
export class WebhookKeys {
  readonly base: string;
  private readonly queue: QueueKeys;

  constructor(prefix: string, queueName: string) {
    this.queue = new QueueKeys(prefix, queueName);
    this.base = this.queue.base;
  }

  /** The stream of job events meant for webhooks (written by the queue's event scripts). */
  get eventOutbox(): string {
    return this.queue.eventOutbox;
  }

  /** A tenant's standing subscriptions: hash id → JSON. The queue's scripts test whether it EXISTS. */
  subscriptions(tenant: string): string {
    return this.queue.webhookSubscriptions(tenant);
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
