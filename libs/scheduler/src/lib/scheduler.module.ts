import { Inject, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import { closeRedis, createRedis } from '@riptide/redis';
import { defineSchedulerScripts, ScriptedSchedulerRedis } from './redis/scheduler-scripts';
import { resolveSchedulerOptions } from './resolve-scheduler-options.util';
import { ScheduleRunner } from './schedule-runner.service';
import { ResolvedSchedulerOptions, SchedulerModuleOptions } from './scheduler-options.interface';
import {
  RESOLVED_SCHEDULER_OPTIONS,
  SCHEDULER_REDIS,
  SCHEDULER_RUNNER_REDIS,
} from './scheduler.constants';
import {
  ConfigurableSchedulerModule,
  SCHEDULER_OPTIONS_TOKEN,
} from './scheduler.module-definition';
import { SchedulerService } from './scheduler.service';
import { SlotFirer } from './slot-firer.service';

/**
 * Cron schedules stored in Redis. Every process gets the CRUD API (SchedulerService); processes
 * with `enabled` also run the fire loop. Needs QueueModule (global) in the application.
 */
@Module({
  providers: [
    {
      provide: RESOLVED_SCHEDULER_OPTIONS,
      inject: [SCHEDULER_OPTIONS_TOKEN],
      useFactory: (options: SchedulerModuleOptions) => resolveSchedulerOptions(options),
    },
    {
      provide: SCHEDULER_REDIS,
      inject: [RESOLVED_SCHEDULER_OPTIONS],
      useFactory: (options: ResolvedSchedulerOptions) =>
        defineSchedulerScripts(createRedis(options.redisUrl, 'producer', 'riptide-scheduler')),
    },
    {
      // Only processes that fire schedules hold the patient connection of the fire loop.
      provide: SCHEDULER_RUNNER_REDIS,
      inject: [RESOLVED_SCHEDULER_OPTIONS],
      useFactory: (options: ResolvedSchedulerOptions) =>
        options.enabled
          ? defineSchedulerScripts(
              createRedis(options.redisUrl, 'worker', 'riptide-scheduler-runner'),
            )
          : null,
    },
    SchedulerService,
    SlotFirer,
    ScheduleRunner,
  ],
  exports: [RESOLVED_SCHEDULER_OPTIONS, SchedulerService, SlotFirer, ScheduleRunner],
})
export class SchedulerModule extends ConfigurableSchedulerModule implements OnApplicationShutdown {
  constructor(
    @Inject(SCHEDULER_REDIS) private readonly redis: ScriptedSchedulerRedis,
    @Optional()
    @Inject(SCHEDULER_RUNNER_REDIS)
    private readonly runnerRedis: ScriptedSchedulerRedis | null,
  ) {
    super();
  }

  /** Runs after the fire loop stopped (beforeApplicationShutdown); closes the connections. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([
      closeRedis(this.redis),
      this.runnerRedis ? closeRedis(this.runnerRedis) : undefined,
    ]);
  }
}
