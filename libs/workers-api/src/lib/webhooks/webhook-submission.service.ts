import { Injectable, Optional } from '@nestjs/common';
import { JobSubmission } from '@riptide/queue';
import { WebhookSecrets, WebhookTargets } from '@riptide/webhooks';

/** Shown when a webhook is asked of a service that does not send them. */
export const WEBHOOKS_OFF = 'webhook is not available: this service does not send webhooks';

/**
 * What a submission's webhook needs beyond its shape (the queue checks that): a target that is
 * not a private address under the crawler's SSRF rules, and the tenant's signing secret, made
 * now if the tenant has none (it is obtained with POST /workers/webhooks/secret/rotate).
 */
@Injectable()
export class WebhookSubmission {
  constructor(
    @Optional() private readonly targets?: WebhookTargets,
    @Optional() private readonly secrets?: WebhookSecrets,
  ) {}

  /** Whether this application serves webhooks (WebhooksModule is present). */
  get enabled(): boolean {
    return this.targets !== undefined;
  }

  /** The problems of the submission's webhook target (empty when it has none or it is fine). */
  async problems(submission: Pick<JobSubmission, 'webhook'>): Promise<string[]> {
    const url = submission.webhook?.url;
    if (url === undefined) return [];
    if (!this.targets) return [WEBHOOKS_OFF];
    if (typeof url !== 'string') return [];
    const problem = await this.targets.problem(url);
    return problem ? [`webhook.url ${problem}`] : [];
  }

  /** Makes sure the tenant can sign deliveries before the job's first event. */
  async prepare(submissions: Pick<JobSubmission, 'webhook' | 'tenant'>[]): Promise<void> {
    const tenants = new Set(
      submissions.filter((s) => s.webhook && s.tenant).map((s) => s.tenant as string),
    );
    for (const tenant of tenants) await this.secrets?.ensure(tenant);
  }
}
