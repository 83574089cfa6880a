import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { DEFAULT_WEBHOOK_EVENTS, RIPTIDE_QUEUE_NAME, WebhookEventKind } from '@riptide/queue';
import { withRedisDeadline } from '@riptide/redis';
import { WebhookSubscriptionLimitError } from '../errors/webhook-subscription-limit.error';
import { WebhookSubscriptionNotFoundError } from '../errors/webhook-subscription-not-found.error';
import { WebhookKeys } from '../redis/webhook-keys';
import { ResolvedWebhooksOptions } from '../webhooks-options.interface';
import {
  MAX_SUBSCRIPTIONS_PER_TENANT,
  RESOLVED_WEBHOOKS_OPTIONS,
  WEBHOOKS_REDIS,
} from '../webhooks.constants';
import { WebhookSubscription, WebhookSubscriptionInput } from './webhook-subscription.interface';

/** The cap and the add in one step. KEYS: the tenant's hash. ARGV: id, JSON, cap. */
const ADD = `
if redis.call("HLEN", KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
return 1
`;

interface StoredSubscription {
  id: string;
  url: string;
  events: WebhookEventKind[];
  job_types: string[] | null;
  created_at: string;
}

const decode = (raw: string): WebhookSubscription => {
  const stored = JSON.parse(raw) as StoredSubscription;
  return {
    id: stored.id,
    url: stored.url,
    events: stored.events,
    jobTypes: stored.job_types,
    createdAt: new Date(stored.created_at),
  };
};

/**
 * A tenant's standing subscriptions, at most MAX_SUBSCRIPTIONS_PER_TENANT, in one hash per
 * tenant. Redis drops a hash with its last field, so a tenant without subscriptions has no key,
 * which is what the queue's scripts test before they write an event to the outbox.
 */
@Injectable()
export class WebhookSubscriptions {
  private readonly keys: WebhookKeys;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    @Inject(WEBHOOKS_REDIS) private readonly redis: Redis,
  ) {
    this.keys = new WebhookKeys(options.prefix, RIPTIDE_QUEUE_NAME);
  }

  /** Adds a subscription; WebhookSubscriptionLimitError beyond the cap. Input is checked by the caller. */
  async create(tenant: string, input: WebhookSubscriptionInput): Promise<WebhookSubscription> {
    const subscription: WebhookSubscription = {
      id: `whsub_${randomBytes(12).toString('base64url')}`,
      url: input.url,
      events: [...new Set(input.events ?? DEFAULT_WEBHOOK_EVENTS)],
      jobTypes: input.jobTypes?.length ? [...new Set(input.jobTypes)] : null,
      createdAt: new Date(),
    };
    const stored: StoredSubscription = {
      id: subscription.id,
      url: subscription.url,
      events: subscription.events,
      job_types: subscription.jobTypes,
      created_at: subscription.createdAt.toISOString(),
    };
    const added = await this.guard(() =>
      this.redis.eval(
        ADD,
        1,
        this.keys.subscriptions(tenant),
        subscription.id,
        JSON.stringify(stored),
        MAX_SUBSCRIPTIONS_PER_TENANT,
      ),
    );
    if (added !== 1) throw new WebhookSubscriptionLimitError(MAX_SUBSCRIPTIONS_PER_TENANT);
    return subscription;
  }

  /** The tenant's subscriptions, oldest first. */
  async list(tenant: string): Promise<WebhookSubscription[]> {
    const all = await this.guard(() => this.redis.hvals(this.keys.subscriptions(tenant)));
    return all
      .map(decode)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  }

  /** Removes one; WebhookSubscriptionNotFoundError when the tenant has no such subscription. */
  async remove(tenant: string, id: string): Promise<void> {
    const removed = await this.guard(() => this.redis.hdel(this.keys.subscriptions(tenant), id));
    if (removed !== 1) throw new WebhookSubscriptionNotFoundError(id);
  }

  private guard<T>(operation: () => Promise<T>): Promise<T> {
    return withRedisDeadline(this.redis, this.options.commandTimeoutMs, operation);
  }
}
