import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { Authenticator, Principal, SubmissionRateLimiter } from '@riptide/auth';
import { JOB_PRIORITIES, JobPriority, JobTypeName } from '@riptide/queue';
import type { ReplyHeaders } from '../http/reply-headers.interface';

export const MAINTENANCE_NEEDS_ADMIN = 'Maintenance jobs need a key with the admin scope';
export const priorityAboveCeiling = (asked: JobPriority, ceiling: JobPriority) =>
  `priority ${asked} is above this key's max_priority (${ceiling})`;
export const rateLimited = (limit: number, retryAfterSecs: number) =>
  `Rate limit exceeded: this key may submit ${limit} jobs in a burst; retry after ${retryAfterSecs} s`;

/**
 * What a caller may submit, beyond what makes a job valid (SPEC §6 limits): maintenance only
 * for an admin, no priority above the key's ceiling, submissions within the key's rate budget,
 * and the tenant's quotas. The admin (and every caller in local mode) is exempt from the limits.
 */
@Injectable()
export class SubmissionGate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly limiter: SubmissionRateLimiter,
  ) {}

  /** Why the caller may not submit this job (answered 403), or null. */
  refusal(
    caller: Principal,
    type: JobTypeName | undefined,
    priority: JobPriority | undefined,
  ): string | null {
    // Maintenance reaches every tenant's jobs (cleanup), so only an admin may ask for it.
    if (type === 'maintenance' && !caller.admin) return MAINTENANCE_NEEDS_ADMIN;
    if (caller.admin || priority === undefined) return null;
    const ceiling = this.authenticator.limitsOf(caller).maxPriority;
    return JOB_PRIORITIES.indexOf(priority) > JOB_PRIORITIES.indexOf(ceiling)
      ? priorityAboveCeiling(priority, ceiling)
      : null;
  }

  /**
   * Takes `count` submissions from the caller's budget and says so in `RateLimit-*` headers: all
   * of them (else a 429 with `Retry-After`), or with `partial` as many as the budget holds
   * (returned; a bulk refuses the rest item by item).
   */
  async takeRate(
    caller: Principal,
    reply: ReplyHeaders,
    count: number,
    partial = false,
  ): Promise<number> {
    const decision = await this.limiter.take(caller, count, partial);
    if (!decision) return count;
    reply.header('RateLimit-Limit', String(decision.limit));
    reply.header('RateLimit-Remaining', String(decision.remaining));
    reply.header('RateLimit-Reset', String(decision.resetSecs));
    if (decision.granted < count) reply.header('Retry-After', String(decision.retryAfterSecs));
    if (decision.granted === 0 && count > 0)
      throw new HttpException(
        rateLimited(decision.limit, decision.retryAfterSecs),
        HttpStatus.TOO_MANY_REQUESTS,
      );
    return decision.granted;
  }

  /** The tenant's unfinished-jobs quota for this caller; undefined for the admin. */
  maxActiveJobs(caller: Principal): number | undefined {
    return caller.admin ? undefined : this.authenticator.limitsOf(caller).maxActiveJobs;
  }

  /** The tenant's schedules quota for this caller; undefined for the admin. */
  maxSchedules(caller: Principal): number | undefined {
    return caller.admin ? undefined : this.authenticator.limitsOf(caller).maxSchedules;
  }
}
