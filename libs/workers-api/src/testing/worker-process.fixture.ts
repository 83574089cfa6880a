// A real worker process for the metrics e2e specs: QueueModule with workers, MetricsModule and
// the test job handlers. Started with `node -r @swc-node/register`; settings come as one JSON
// argument; prints "ready <workerId>" once it runs, and closes cleanly on SIGTERM.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueueModule, WorkerRuntime } from '@riptide/queue';
import { TestJobHandlersModule } from '@riptide/queue/testing';
import { MetricsModule } from '@riptide/metrics';

interface FixtureSettings {
  redisUrl: string;
  prefix: string;
  poolSize: number;
  heartbeatIntervalMs: number;
  missedHeartbeats: number;
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] ?? '{}') as FixtureSettings;
  const { redisUrl, prefix } = settings;
  Logger.overrideLogger(['error']);
  const app = await NestFactory.createApplicationContext(
    {
      module: class WorkerFixtureModule {},
      imports: [
        QueueModule.forRoot({
          isGlobal: true,
          redisUrl,
          prefix,
          worker: {
            poolSize: settings.poolSize,
            lockDurationMs: 5000,
            stalledIntervalMs: 2000,
            shutdownGraceMs: 500,
          },
        }),
        MetricsModule.forRoot({
          heartbeatIntervalMs: settings.heartbeatIntervalMs,
          missedHeartbeats: settings.missedHeartbeats,
          defaultMetrics: false,
        }),
        TestJobHandlersModule.register({ redisUrl, prefix }),
      ],
    },
    { logger: ['error'] },
  );
  await app.init();
  process.stdout.write(`ready ${app.get(WorkerRuntime).workerId}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
