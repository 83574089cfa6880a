import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ApiExceptionFilter } from './errors/api-exception.filter';
import { createValidationPipe } from './http/validation.pipe';
import { JobsController } from './jobs/jobs.controller';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { IdempotentRequests } from './idempotency/idempotent-requests.service';
import { ApiKeysController } from './keys/api-keys.controller';
import { BulkSubmission } from './submissions/bulk-submission.service';
import { SubmissionGate } from './submissions/submission-gate.service';
import { WORKERS_API_OPTIONS, WorkersApiOptions } from './workers-api-options.interface';
import { SchedulesController } from './schedules/schedules.controller';
import { StatsController } from './stats/stats.controller';

/**
 * The REST API of SPEC §3 and the key management of §6. Needs QueueModule, SchedulerModule and AuthModule
 * (global) in the application; every route is guarded by its scope. Brings its own
 * validation pipe and the exception filter that gives every error the same JSON shape.
 */
@Module({
  controllers: [JobsController, StatsController, SchedulesController, ApiKeysController],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
    IdempotencyStore,
    IdempotentRequests,
    SubmissionGate,
    BulkSubmission,
  ],
})
export class WorkersApiModule {
  /** The module with options (idempotency TTL); imported bare, every option takes its default. */
  static forRoot(options: WorkersApiOptions = {}): DynamicModule {
    return { module: WorkersApiModule, providers: [{ provide: WORKERS_API_OPTIONS, useValue: options }] };
  }
}
