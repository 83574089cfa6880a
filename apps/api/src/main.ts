import { Logger } from '@nestjs/common';
import { loadHostConfigOrExit, resolveHostRedis } from '@riptide/host';
import { createApiApp } from './app/create-api-app';

/** RipTide Workers HTTP host: the REST API, and (unless WORKER_POOL_SIZE=0) workers too. */
async function main(): Promise<void> {
  const config = loadHostConfigOrExit();
  const logger = new Logger('riptide-api');
  if (config.authMode === 'off') logger.warn('RIPTIDE_AUTH=off: every route is open to anyone who can reach this port, with no key');
  const redis = await resolveHostRedis(config, (message) => logger.log(message));
  const app = await createApiApp(config, redis.url);
  await app.listen(config.port, config.host);
  const access = config.authMode === 'keys' ? 'API keys required' : config.authMode === 'local' ? 'local mode: no key, loopback only' : 'open';
  logger.log(`listening on http://${config.host}:${config.port} (${access}; Swagger UI at /docs)`);
  // The embedded redis-server stops after the app has closed every connection.
  if (redis.embedded) process.once('beforeExit', () => void redis.embedded?.stop());
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => void app.close().then(() => redis.embedded?.stop()).then(() => process.exit(0)));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
