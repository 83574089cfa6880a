import type { JobStatus } from '../model/job.interface';

/**
 * Every Redis key the queue uses, in one place. Bull's keys are `<prefix>:<queue>:<name>`;
 * ours live under `<prefix>:<queue>:rt:`. Only server-generated job ids, tenant names that
 * match TENANT_PATTERN (no `:`, `{` or `}`) and job types (JOB_NAME_PATTERN: no `{` or `}`) ever
 * appear in a key.
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

  bull(
    name:
      | 'wait'
      | 'paused'
      | 'meta-paused'
      | 'active'
      | 'delayed'
      | 'priority'
      | 'completed'
      | 'failed'
      | 'stalled'
      | 'metrics:failed'
      | 'id',
  ): string {
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

  /**
   * The listing index of a tenant (`*` = any) with one status or one type, never both (`*` = any):
   * the ids of the matching jobs, scored by creation time (job-index.script.ts keeps them; ixKey
   * there builds the same names). `tenant` must match TENANT_PATTERN and `jobType`
   * JOB_NAME_PATTERN (a type, or `custom:<name>`).
   */
  listIndex(tenant: string, status: JobStatus | '*', jobType: string): string {
    if (status !== '*' && jobType !== '*')
      throw new Error('a listing index is by status or by type, not both');
    if (status === '*' && jobType === '*')
      return tenant === '*' ? this.index : this.tenantIndex(tenant);
    return `${this.base}rt:ix:${tenant}:${status}:${jobType}`;
  }

  /** Job id → the indexes that hold it (status, tenant, creation time, type). */
  get facets(): string {
    return this.base + 'rt:facets';
  }

  /** Every tenant that ever submitted a job. */
  get tenants(): string {
    return this.base + 'rt:tenants';
  }

  /** Set once every job stored before the listing indexes has been indexed (the value: when). */
  get indexesReady(): string {
    return this.base + 'rt:ix:ready';
  }

  /** Where the background reconciliation of the indexes is in the global index (a ZSCAN cursor). */
  get reconcileCursor(): string {
    return this.base + 'rt:ix:cursor';
  }

  /** Sets of the counts before the listing indexes (finished jobs by outcome); only ever deleted now. */
  get legacyKeys(): string[] {
    return [
      this.base + 'rt:cancelled',
      this.base + 'rt:failed',
      this.base + 'rt:tenants:backfilled',
    ];
  }

  /** Every job type a worker of this queue has handled (`single_crawl`, `custom:<name>`, …). */
  get handledTypes(): string {
    return this.base + 'rt:handled-types';
  }

  /**
   * One tenant's recent job events, oldest first: a stream capped near EVENT_LOG_LENGTH whose
   * entry ids are the event ids (job-events.script.ts writes it). `tenant` must match TENANT_PATTERN.
   */
  eventLog(tenant: string): string {
    return `${this.base}rt:events:t:${tenant}`;
  }

  /** Pub/sub channel on which every job event is published, with its id, as it is logged. */
  get eventChannel(): string {
    return this.base + 'rt:events';
  }

  /**
   * The events of jobs that someone is subscribed to by webhook: a stream its consumers trim
   * (they delete each entry once handled), so an event waits here until it has been dispatched.
   */
  get eventOutbox(): string {
    return this.base + 'rt:events:outbox';
  }

  /**
   * A tenant's standing webhook subscriptions (owned by the webhooks library). It exists only
   * while the tenant has one, which is how the event scripts know to fill the outbox.
   */
  webhookSubscriptions(tenant: string): string {
    return `${this.base}rt:webhooks:t:${tenant}`;
  }

  /** Pub/sub channel that tells every worker process to abort a running job. */
  get cancelChannel(): string {
    return this.base + 'rt:cancel';
  }
}
