import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { JobTypeName } from './model/job.interface';

/** What happened to a job in this process; listeners (metrics) see every event exactly once. */
export type JobEvent =
  | { kind: 'submitted'; jobId: string; jobType: JobTypeName }
  | { kind: 'started'; jobId: string; jobType: JobTypeName; waitMs: number }
  | { kind: 'completed'; jobId: string; jobType: JobTypeName; durationMs: number }
  | { kind: 'retrying'; jobId: string; jobType: JobTypeName; durationMs: number; error: string }
  | { kind: 'failed'; jobId: string; jobType: JobTypeName; durationMs: number; error: string }
  | { kind: 'dead_letter'; jobId: string; jobType: JobTypeName; durationMs: number; error: string }
  | { kind: 'cancelled'; jobId: string; jobType: JobTypeName };

/** In-process job lifecycle events, emitted by the producer and the worker runtime. */
@Injectable()
export class JobEvents {
  private readonly emitter = new EventEmitter();

  emit(event: JobEvent): void {
    this.emitter.emit('job', event);
  }

  subscribe(listener: (event: JobEvent) => void): () => void {
    this.emitter.on('job', listener);
    return () => this.emitter.off('job', listener);
  }
}
