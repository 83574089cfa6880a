import { SchedulerMessages } from '../scheduler.messages';

/** The tenant already has as many schedules as its quota allows. */
export class TenantScheduleQuotaError extends Error {
  constructor(
    readonly tenant: string,
    readonly maxSchedules: number,
  ) {
    super(SchedulerMessages.tenantQuotaReached(tenant, maxSchedules));
    this.name = 'TenantScheduleQuotaError';
  }
}
