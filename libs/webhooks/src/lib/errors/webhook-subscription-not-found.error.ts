import { WebhooksMessages } from '../webhooks.messages';

/** No such subscription for this tenant (another tenant's answers the same). */
export class WebhookSubscriptionNotFoundError extends Error {
  constructor(readonly id: string) {
    super(WebhooksMessages.subscriptionNotFound(id));
    this.name = 'WebhookSubscriptionNotFoundError';
  }
}
