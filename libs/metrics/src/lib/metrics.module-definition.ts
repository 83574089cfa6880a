import { ConfigurableModuleBuilder } from '@nestjs/common';
import { MetricsModuleOptions } from './metrics-options.interface';

export const {
  ConfigurableModuleClass: ConfigurableMetricsModule,
  MODULE_OPTIONS_TOKEN: METRICS_OPTIONS_TOKEN,
  OPTIONS_TYPE: METRICS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: METRICS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<MetricsModuleOptions>()
  .setClassMethodName('forRoot')
  // Global where WorkersApiModule serves the metrics and health routes, which use its services.
  .setExtras({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
