import { ConfigurableModuleBuilder } from '@nestjs/common';
import { ProcessorsModuleOptions } from './processors-options.interface';

export const {
  ConfigurableModuleClass: ConfigurableProcessorsModule,
  MODULE_OPTIONS_TOKEN: PROCESSORS_OPTIONS_TOKEN,
} = new ConfigurableModuleBuilder<ProcessorsModuleOptions>().setClassMethodName('forRoot').build();
