import { WebhooksMessages } from '../webhooks.messages';

/** The tenant already holds the most subscriptions allowed. */
export class WebhookSubscriptionLimitError extends Error {
  constructor(readonly max: number) {
    super(WebhooksMessages.subscriptionLimit(max));
    this.name = 'WebhookSubscriptionLimitError';
  }
}
