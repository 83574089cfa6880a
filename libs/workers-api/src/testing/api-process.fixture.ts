// A real API process for the event stream specs: QueueModule without workers, AuthModule with an
// admin key, WorkersApiModule with the event routes, on Fastify at a free port of 127.0.0.1.
// Started with `node -r @swc-node/register`; settings come as one JSON argument; prints
// "ready <port>" once it serves, and closes cleanly on SIGTERM.
import 'reflect-metadata';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AuthModule } from '@riptide/auth';
import { QueueModule } from '@riptide/queue';
import { ApiExceptionFilter, WorkersApiModule } from '../index';

interface FixtureSettings {
  redisUrl: string;
  prefix: string;
  adminKey: string;
}

async function main(): Promise<void> {
  const { redisUrl, prefix, adminKey } = JSON.parse(process.argv[2] ?? '{}') as FixtureSettings;
  const app = await NestFactory.create<NestFastifyApplication>(
    {
      module: class ApiFixtureModule {},
      imports: [
        QueueModule.forRoot({ isGlobal: true, redisUrl, prefix, worker: { poolSize: 0 } }),
        AuthModule.forRoot({ isGlobal: true, mode: 'keys', adminKey, redisUrl, prefix }),
        WorkersApiModule.forRoot({ events: true }),
      ],
    },
    new FastifyAdapter(),
    { logger: ['error'] },
  );
  app.useGlobalFilters(new ApiExceptionFilter(app.get(HttpAdapterHost)));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  process.stdout.write(`ready ${typeof address === 'object' && address ? address.port : 0}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
