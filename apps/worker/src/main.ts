import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createRootModule, loadHostConfigOrExit, resolveHostRedis } from '@riptide/host';

/**
 * Headless worker host for scale-out: run N of these (on any machines) against one Redis.
 * Without REDIS_URL it starts its own embedded redis-server, which is only useful on its own.
 */
async function main(): Promise<void> {
  const config = loadHostConfigOrExit();
  const logger = new Logger('riptide-worker');
  if (config.workerPoolSize === 0) throw new Error('WORKER_POOL_SIZE is 0: a worker host with no workers has nothing to do');
  const redis = await resolveHostRedis(config, (message) => logger.log(message));
  const app = await NestFactory.createApplicationContext(createRootModule(config, redis.url, 'worker'), {
    logger: config.logLevel === 'silent' ? false : undefined,
  });
  await app.init();
  logger.log(`worker running ${config.workerPoolSize} concurrent jobs`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => void app.close().then(() => redis.embedded?.stop()).then(() => process.exit(0)));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
