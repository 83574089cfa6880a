// Test helpers for services that receive RipTide webhooks: a local receiver that checks signatures.
export { startWebhookReceiver } from './testing/webhook-receiver';
export type { ReceivedWebhook, WebhookReceiver } from './testing/webhook-receiver';
