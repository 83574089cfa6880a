import { QueueMessages } from '../queue.messages';

/**
 * The tenant already has as many unfinished jobs (Pending, Delayed, Processing, Retrying) as its
 * quota allows; nothing was submitted. It may submit again once some of them finish.
 */
export class TenantQuotaError extends Error {
  constructor(
    readonly tenant: string,
    readonly unfinished: number,
    readonly quota: number,
  ) {
    super(QueueMessages.tenantQuota(tenant, unfinished, quota));
    this.name = 'TenantQuotaError';
  }
}
