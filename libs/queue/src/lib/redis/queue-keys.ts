/**
 * Every Redis key the queue uses, in one place. Bull's keys are `<prefix>:<queue>:<name>`;
 * ours live under `<prefix>:<queue>:rt:`. Only server-generated job ids and tenant names that
 * match TENANT_PATTERN (no `:`, `{` or `}`) ever appear in a key.
 * With a hash-tagged prefix (`{riptide}`) every key shares one Redis Cluster slot.
 */
export class QueueKeys {
  readonly base: string;

  constructor(
    readonly prefix: string,
    readonly queueName: string,
  ) {
    this.base = `${prefix}:${queueName}:`;
  }

  bull(name: 'wait' | 'paused' | 'meta-paused' | 'active' | 'delayed' | 'priority' | 'completed' | 'failed' | 'stalled' | 'id'): string {
    return this.base + name;
  }

  job(jobId: string): string {
    return this.base + jobId;
  }

  lock(jobId: string): string {
    return `${this.base}${jobId}:lock`;
  }

  result(jobId: string): string {
    return `${this.base}rt:result:${jobId}`;
  }

  /** Every job id by creation time, for newest-first listing. */
  get index(): string {
    return this.base + 'rt:index';
  }

  /**
   * One tenant's job ids by creation time, so a tenant's listing and counts walk only its own
   * jobs. `tenant` must match TENANT_PATTERN.
   */
  tenantIndex(tenant: string): string {
    return `${this.base}rt:index:t:${tenant}`;
  }

  /** Every tenant that ever submitted a job: how pruning finds the tenant indexes. */
  get tenants(): string {
    return this.base + 'rt:tenants';
  }

  /** Set once jobs stored before tenants existed are in the `default` tenant's index. */
  get tenantBackfillDone(): string {
    return this.base + 'rt:tenants:backfilled';
  }

  /** Failed-set members that ended Cancelled / Failed (the rest of the failed set is DeadLetter). */
  get cancelledSet(): string {
    return this.base + 'rt:cancelled';
  }

  get nonRetryableSet(): string {
    return this.base + 'rt:failed';
  }

  /** Pub/sub channel that tells every worker process to abort a running job. */
  get cancelChannel(): string {
    return this.base + 'rt:cancel';
  }
}
