import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { closeRedis, createRedis } from '@riptide/redis';
import { WebhookDeliveries } from './delivery/webhook-deliveries.service';
import { WebhookDeliveryWorker } from './delivery/webhook-delivery-worker.service';
import { WebhookSender } from './delivery/webhook-sender.service';
import { WebhookDispatcher } from './dispatch/webhook-dispatcher.service';
import { resolveWebhooksOptions } from './resolve-webhooks-options.util';
import { WebhookSecrets } from './secrets/webhook-secrets.service';
import { WebhookSubscriptions } from './subscriptions/webhook-subscriptions.service';
import { WebhookTargets } from './webhook-targets.service';
import { ResolvedWebhooksOptions, WebhooksModuleOptions } from './webhooks-options.interface';
import { RESOLVED_WEBHOOKS_OPTIONS, WEBHOOKS_REDIS } from './webhooks.constants';
import { ConfigurableWebhooksModule, WEBHOOKS_OPTIONS_TOKEN } from './webhooks.module-definition';

/**
 * Signed webhooks of job events. Every process gets the tenant secrets, the standing
 * subscriptions, the per-job delivery records and the SSRF check of webhook URLs; a process with
 * `dispatch: true` (a worker host) also reads the queue's event outbox and sends the deliveries
 * through their own bull queue. With `dispatch`, QueueModule must be global in the application.
 */
@Module({
  providers: [
    {
      provide: RESOLVED_WEBHOOKS_OPTIONS,
      inject: [WEBHOOKS_OPTIONS_TOKEN],
      useFactory: (options: WebhooksModuleOptions) => resolveWebhooksOptions(options),
    },
    {
      provide: WEBHOOKS_REDIS,
      inject: [RESOLVED_WEBHOOKS_OPTIONS],
      useFactory: (options: ResolvedWebhooksOptions) =>
        createRedis(options.redisUrl, 'producer', 'riptide-webhooks'),
    },
    WebhookSecrets,
    WebhookSubscriptions,
    WebhookDeliveries,
    WebhookTargets,
    WebhookSender,
    WebhookDeliveryWorker,
    WebhookDispatcher,
  ],
  exports: [
    RESOLVED_WEBHOOKS_OPTIONS,
    WebhookSecrets,
    WebhookSubscriptions,
    WebhookDeliveries,
    WebhookTargets,
    WebhookDeliveryWorker,
    WebhookDispatcher,
  ],
})
export class WebhooksModule extends ConfigurableWebhooksModule implements OnApplicationShutdown {
  constructor(@Inject(WEBHOOKS_REDIS) private readonly redis: Redis) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }
}
