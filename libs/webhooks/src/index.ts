export { WebhooksModule } from './lib/webhooks.module';
export {
  WEBHOOKS_ASYNC_OPTIONS_TYPE,
  WEBHOOKS_OPTIONS_TYPE,
} from './lib/webhooks.module-definition';
export type {
  WebhooksModuleOptions,
  ResolvedWebhooksOptions,
} from './lib/webhooks-options.interface';
export { deliveryRetrySchedule, resolveWebhooksOptions } from './lib/resolve-webhooks-options.util';
export {
  RESOLVED_WEBHOOKS_OPTIONS,
  MAX_SUBSCRIPTIONS_PER_TENANT,
  MAX_WEBHOOK_URL_LENGTH,
  SIGNATURE_HEADER,
  EVENT_ID_HEADER,
  EVENT_HEADER,
} from './lib/webhooks.constants';
export { WebhooksMessages } from './lib/webhooks.messages';
export { WebhookKeys, deliveryQueueName } from './lib/redis/webhook-keys';
export {
  computeSignature,
  signatureHeader,
  verifySignature,
} from './lib/signing/webhook-signature.util';
export { WebhookSecrets } from './lib/secrets/webhook-secrets.service';
export type { RotatedSecret } from './lib/secrets/webhook-secrets.service';
export { WebhookSubscriptions } from './lib/subscriptions/webhook-subscriptions.service';
export type {
  WebhookSubscription,
  WebhookSubscriptionInput,
} from './lib/subscriptions/webhook-subscription.interface';
export { WebhookDeliveries } from './lib/delivery/webhook-deliveries.service';
export { WebhookDeliveryWorker } from './lib/delivery/webhook-delivery-worker.service';
export type {
  DeliveryAttempt,
  DeliveryOutcome,
  WebhookPayload,
} from './lib/delivery/webhook-delivery.interface';
export { WebhookDispatcher, OUTBOX_GROUP } from './lib/dispatch/webhook-dispatcher.service';
export { parseOutboxEntry, parseOutboxEvent } from './lib/dispatch/outbox-event.util';
export type { OutboxEntry, OutboxEvent } from './lib/dispatch/outbox-event.util';
export { WebhookTargets } from './lib/webhook-targets.service';
export { webhookTargetProblem } from './lib/webhook-target.util';
export { WebhookSubscriptionLimitError } from './lib/errors/webhook-subscription-limit.error';
export { WebhookSubscriptionNotFoundError } from './lib/errors/webhook-subscription-not-found.error';
