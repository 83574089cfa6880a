import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { JobEvent, JobEvents } from '@riptide/queue';
import { jobLogLine } from './job-log-line.util';

/**
 * The job log of this process: one line per job when it ends (see jobLogLine), its earlier steps at
 * debug. With a JSON logger such as nestjs-pino, `jobId`, `jobType`, `status` and `durationMs` are
 * searchable fields; with Nest's console logger each entry is a single line.
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
    const { level, entry } = jobLogLine(event);
    this.logger[level](entry);
  }
}
