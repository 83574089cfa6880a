import { ConfigurableModuleBuilder } from '@nestjs/common';
import { QueueModuleOptions } from './queue-options.interface';

export const {
  ConfigurableModuleClass: ConfigurableQueueModule,
  MODULE_OPTIONS_TOKEN: QUEUE_OPTIONS_TOKEN,
  OPTIONS_TYPE: QUEUE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: QUEUE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<QueueModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
