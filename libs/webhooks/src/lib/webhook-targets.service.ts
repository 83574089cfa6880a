import { Inject, Injectable } from '@nestjs/common';
import { NetworkPolicy, createNetworkPolicy } from '@riptide/crawler';
import { webhookTargetProblem } from './webhook-target.util';
import { ResolvedWebhooksOptions } from './webhooks-options.interface';
import { RESOLVED_WEBHOOKS_OPTIONS } from './webhooks.constants';

/** The submission-time SSRF check of webhook URLs, under this module's network policy. */
@Injectable()
export class WebhookTargets {
  private readonly policy: NetworkPolicy;

  constructor(@Inject(RESOLVED_WEBHOOKS_OPTIONS) options: ResolvedWebhooksOptions) {
    this.policy = createNetworkPolicy({
      allowPrivateNetworks: options.allowPrivateNetworks,
      allowedNetworks: options.allowedNetworks,
    });
  }

  /** Why `url` may not receive webhooks (see webhookTargetProblem), or null. */
  problem(url: string): Promise<string | null> {
    return webhookTargetProblem(url, this.policy);
  }
}
