/**
 * Every Redis key of the scheduler, under `<prefix>:scheduler:`. Only server-generated schedule
 * ids appear in keys. With a hash-tagged prefix (`{riptide}`) all share one Cluster slot.
 */
export class SchedulerKeys {
  readonly base: string;

  constructor(readonly prefix: string) {
    this.base = `${prefix}:scheduler:`;
  }

  /** Every schedule id, scored by creation time. */
  get index(): string {
    return this.base + 'index';
  }

  /** Enabled schedules, scored by their next slot. */
  get due(): string {
    return this.base + 'due';
  }

  /** Claimed slots whose job is not recorded yet (`<id>|<slot>|<count>`), scored by lease expiry. */
  get claims(): string {
    return this.base + 'claims';
  }

  schedule(id: string): string {
    return `${this.base}s:${id}`;
  }

  /** What every schedule's key starts with (scripts add the id). */
  get scheduleBase(): string {
    return `${this.base}s:`;
  }

  fires(id: string): string {
    return `${this.base}fires:${id}`;
  }
}
