import { ConfigurableModuleBuilder } from '@nestjs/common';
import { SchedulerModuleOptions } from './scheduler-options.interface';

export const {
  ConfigurableModuleClass: ConfigurableSchedulerModule,
  MODULE_OPTIONS_TOKEN: SCHEDULER_OPTIONS_TOKEN,
  OPTIONS_TYPE: SCHEDULER_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SCHEDULER_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SchedulerModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
