import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RIPTIDE_QUEUE_NAME } from '@riptide/queue';
import { withRedisDeadline } from '@riptide/redis';
import { WebhookKeys } from '../redis/webhook-keys';
import { ResolvedWebhooksOptions } from '../webhooks-options.interface';
import {
  DELIVERY_RECORD_LENGTH,
  RESOLVED_WEBHOOKS_OPTIONS,
  WEBHOOKS_REDIS,
} from '../webhooks.constants';
import { DeliveryAttempt } from './webhook-delivery.interface';

interface StoredAttempt {
  event_id: string;
  event: DeliveryAttempt['event'];
  url: string;
  target: string;
  attempt: number;
  status_code: number | null;
  error_code: string | null;
  at: number;
  outcome: DeliveryAttempt['outcome'];
}

/**
 * Each job's delivery record: every attempt of every delivery of its events, oldest first,
 * capped at DELIVERY_RECORD_LENGTH and kept `recordTtlSecs` after the latest attempt.
 */
@Injectable()
export class WebhookDeliveries {
  private readonly keys: WebhookKeys;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    @Inject(WEBHOOKS_REDIS) private readonly redis: Redis,
  ) {
    this.keys = new WebhookKeys(options.prefix, RIPTIDE_QUEUE_NAME);
  }

  /** Appends one attempt (on the caller's connection: the delivery worker's patient one). */
  async record(jobId: string, attempt: DeliveryAttempt, client: Redis = this.redis): Promise<void> {
    const stored: StoredAttempt = {
      event_id: attempt.eventId,
      event: attempt.event,
      url: attempt.url,
      target: attempt.target,
      attempt: attempt.attempt,
      status_code: attempt.statusCode,
      error_code: attempt.errorCode,
      at: attempt.at.getTime(),
      outcome: attempt.outcome,
    };
    const key = this.keys.deliveries(jobId);
    await client
      .multi()
      .rpush(key, JSON.stringify(stored))
      .ltrim(key, -DELIVERY_RECORD_LENGTH, -1)
      .expire(key, this.options.recordTtlSecs)
      .exec();
  }

  /** A job's attempts, oldest first (empty when it has none, or they expired). */
  async list(jobId: string): Promise<DeliveryAttempt[]> {
    const raw = await withRedisDeadline(this.redis, this.options.commandTimeoutMs, () =>
      this.redis.lrange(this.keys.deliveries(jobId), 0, -1),
    );
    return raw.map((entry) => {
      const stored = JSON.parse(entry) as StoredAttempt;
      return {
        eventId: stored.event_id,
        event: stored.event,
        url: stored.url,
        target: stored.target,
        attempt: stored.attempt,
        statusCode: stored.status_code,
        errorCode: stored.error_code,
        at: new Date(stored.at),
        outcome: stored.outcome,
      };
    });
  }
}
