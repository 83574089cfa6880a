import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { JobEvent, JobEvents } from '@riptide/queue';

/**
 * One structured log entry per job event of this process, carrying `jobId` and `jobType` as
 * fields (with a JSON logger such as nestjs-pino they become searchable keys). Routine events
 * are debug; failures warn.
 */
@Injectable()
export class JobEventLogger implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private unsubscribe?: () => void;

  constructor(private readonly events: JobEvents) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((event) => this.write(event));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private write(event: JobEvent): void {
    const { kind, ...fields } = event;
    const entry = { msg: `job ${kind}`, event: kind, ...fields };
    switch (kind) {
      case 'failed':
      case 'dead_letter':
        this.logger.warn(entry);
        break;
      case 'retrying':
      case 'cancelled':
        this.logger.log(entry);
        break;
      default:
        this.logger.debug(entry);
    }
  }
}
