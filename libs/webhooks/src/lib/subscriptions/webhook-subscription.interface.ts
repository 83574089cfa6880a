import type { WebhookEventKind } from '@riptide/queue';

/** A tenant's standing subscription: every job of the tenant (of `jobTypes`, if given) reports `events` to `url`. */
export interface WebhookSubscription {
  /** `whsub_` + random. */
  id: string;
  url: string;
  events: WebhookEventKind[];
  /** Job types (`single_crawl`, …, `custom:<name>`) whose events it gets; null = every type. */
  jobTypes: string[] | null;
  createdAt: Date;
}

/** What a caller asks for. */
export interface WebhookSubscriptionInput {
  url: string;
  /** Default DEFAULT_WEBHOOK_EVENTS. */
  events?: WebhookEventKind[];
  jobTypes?: string[];
}
