// Helpers of the metrics e2e specs: an application on Fastify with the queue and the metrics module.
import { DynamicModule, INestApplication } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { QueueModule, QueueModuleOptions } from '@riptide/queue';
import { MetricsModule } from '../index';
import { MetricsModuleOptions } from '../lib/metrics-options.interface';

/** An app on Fastify with QueueModule (global), MetricsModule and the spec's own modules. */
export async function createHttpApp(
  queue: QueueModuleOptions,
  metrics: MetricsModuleOptions,
  extra: DynamicModule[] = [],
  beforeInit?: (app: NestFastifyApplication) => Promise<void>,
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      QueueModule.forRoot({ isGlobal: true, ...queue }),
      MetricsModule.forRoot({ defaultMetrics: true, ...metrics }),
      ...extra,
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: ['error'],
  });
  app.enableShutdownHooks();
  await beforeInit?.(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export const closeAll = async (apps: INestApplication[]) => {
  for (let app = apps.pop(); app; app = apps.pop()) await app.close();
};
