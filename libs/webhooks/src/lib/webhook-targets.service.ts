import { Inject, Injectable } from '@nestjs/common';
import { NetworkPolicy, createNetworkPolicy } from '@riptide/crawler';
import { webhookTargetProblem } from './webhook-target.util';
import { ResolvedWebhooksOptions } from './webhooks-options.interface';
import { RESOLVED_WEBHOOKS_OPTIONS } from './webhooks.constants';

/** How long a URL's verdict is reused, and how many are remembered. */
const VERDICT_TTL_MS = 60_000;
const MAX_VERDICTS = 1000;

/**
 * The submission-time SSRF check of webhook URLs, under this module's network policy. A URL's
 * verdict (its DNS answer, up to webhookTargetProblem's deadline) is shared by the checks made
 * meanwhile and reused for a minute: a bulk of a thousand jobs with one webhook resolves it once.
 */
@Injectable()
export class WebhookTargets {
  private readonly policy: NetworkPolicy;
  private readonly verdicts = new Map<string, { at: number; problem: Promise<string | null> }>();

  constructor(@Inject(RESOLVED_WEBHOOKS_OPTIONS) options: ResolvedWebhooksOptions) {
    this.policy = createNetworkPolicy({
      allowPrivateNetworks: options.allowPrivateNetworks,
      allowedNetworks: options.allowedNetworks,
    });
  }

  /** Why `url` may not receive webhooks (see webhookTargetProblem), or null. */
  problem(url: string): Promise<string | null> {
    const now = Date.now();
    const known = this.verdicts.get(url);
    if (known && now - known.at < VERDICT_TTL_MS) return known.problem;
    this.verdicts.delete(url);
    // The oldest verdict makes room (a Map iterates in insertion order).
    if (this.verdicts.size >= MAX_VERDICTS)
      this.verdicts.delete(this.verdicts.keys().next().value!);
    const problem = webhookTargetProblem(url, this.policy);
    this.verdicts.set(url, { at: now, problem });
    return problem;
  }
}
