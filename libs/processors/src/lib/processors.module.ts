import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Crawler } from '@riptide/crawler';
import { createRedis } from '@riptide/redis';
import { CrawlProcessor } from './crawl/crawl.processor';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { CRAWLER, CRAWLER_REDIS } from './processors.constants';
import type Redis from 'ioredis';
import {
  ConfigurableProcessorsModule,
  PROCESSORS_OPTIONS_TOKEN,
} from './processors.module-definition';
import { ProcessorsModuleOptions } from './processors-options.interface';

/**
 * Handlers of every built-in job type. Import it next to QueueModule in any process that runs
 * workers; the queue's handler registry discovers them.
 */
@Module({
  providers: [
    {
      provide: CRAWLER_REDIS,
      inject: [PROCESSORS_OPTIONS_TOKEN],
      useFactory: (options: ProcessorsModuleOptions) =>
        createRedis(options.redisUrl, 'worker', 'riptide-crawler'),
    },
    {
      provide: CRAWLER,
      inject: [PROCESSORS_OPTIONS_TOKEN, CRAWLER_REDIS],
      useFactory: (options: ProcessorsModuleOptions, redis: Redis) =>
        new Crawler({ ...options.crawler, redis, keyPrefix: options.keyPrefix }),
    },
    CrawlProcessor,
    MaintenanceProcessor,
  ],
  exports: [CRAWLER],
})
export class ProcessorsModule
  extends ConfigurableProcessorsModule
  implements OnApplicationShutdown
{
  constructor(
    @Inject(CRAWLER) private readonly crawler: Crawler,
    @Inject(CRAWLER_REDIS) private readonly redis: Redis,
  ) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.crawler.close();
    this.redis.disconnect();
  }
}
