import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '@riptide/auth';
import { QueueModule } from '@riptide/queue';
import { WorkersApiModule } from '@riptide/workers-api';
import { GreetHandler } from './greet.handler';
import { RouteNotFoundFilter } from './not-found.filter';
import { OrdersController } from './orders.controller';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = process.env['QUEUE_PREFIX'] ?? 'consumer';
const withWorkersApi = process.env['WITH_WORKERS_API'] === '1';

/** The library modules, or none: the service's own routes must answer the same either way. */
function workersApi(): DynamicModule[] {
  if (!withWorkersApi) return [];
  return [
    QueueModule.forRoot({ isGlobal: true, redisUrl, prefix, worker: { poolSize: 1 } }),
    AuthModule.forRoot({ isGlobal: true, mode: 'open', redisUrl, prefix }),
    WorkersApiModule.forRoot(),
  ];
}

@Module({
  imports: workersApi(),
  controllers: [OrdersController],
  providers: withWorkersApi ? [GreetHandler] : [],
})
class OrdersAppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(OrdersAppModule, { logger: ['error', 'warn'] });
  app.useGlobalFilters(new RouteNotFoundFilter());
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  process.stdout.write(`listening ${address.port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
