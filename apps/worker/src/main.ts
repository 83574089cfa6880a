import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  GracefulShutdown,
  createHostLogger,
  createRootModule,
  loadHostConfigOrExit,
  resolveHostRedisOrExit,
  useHostLoggerFromStart,
} from '@riptide/host';

/**
 * Headless worker host for scale-out: run N of these (on any machines) against one Redis.
 * Without REDIS_URL it starts its own embedded redis-server, which is only useful on its own.
 */
async function main(): Promise<void> {
  const config = loadHostConfigOrExit();
  // JSON from the first line: every Nest Logger writes through the process's one pino instance.
  const hostLogger = createHostLogger(config);
  useHostLoggerFromStart(hostLogger);
  const logger = new Logger('riptide-worker');
  if (config.workerPoolSize === 0)
    throw new Error('WORKER_POOL_SIZE is 0: a worker host with no workers has nothing to do');
  // Before anything starts, so that a signal at any moment ends the process in order and in time.
  const shutdown = new GracefulShutdown(config.workerShutdownGraceMs, logger).listen();
  const redis = await resolveHostRedisOrExit(config, logger);
  // The embedded redis-server stops last, after the app has closed every connection to it.
  const embedded = redis.embedded;
  if (embedded) shutdown.stopsRedisWith((timeoutMs) => embedded.stop(timeoutMs));
  const app = await NestFactory.createApplicationContext(
    createRootModule(config, redis.url, 'worker', hostLogger),
    {
      logger: config.logLevel === 'silent' ? false : undefined,
    },
  );
  shutdown.closesAppWith(() => app.close());
  await app.init();
  logger.log(`worker running ${config.workerPoolSize} concurrent jobs`);
}

main().catch((error: Error) => {
  // Through the host's logger (JSON, with the stack) once it exists.
  new Logger('riptide-worker').fatal(error);
  process.exit(1);
});
