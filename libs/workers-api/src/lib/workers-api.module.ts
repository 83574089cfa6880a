import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ApiExceptionFilter } from './errors/api-exception.filter';
import { createValidationPipe } from './http/validation.pipe';
import { JobsController } from './jobs/jobs.controller';
import { ApiKeysController } from './keys/api-keys.controller';
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
  ],
})
export class WorkersApiModule {}
