import { Logger } from '@nestjs/common';
import {
  GracefulShutdown,
  createHostLogger,
  loadHostConfigOrExit,
  resolveHostRedisOrExit,
  useHostLoggerFromStart,
} from '@riptide/host';
import { createApiApp } from './app/create-api-app';

/** RipTide Workers HTTP host: the REST API, and (unless WORKER_POOL_SIZE=0) workers too. */
async function main(): Promise<void> {
  const config = loadHostConfigOrExit();
  // JSON from the first line: every Nest Logger writes through the process's one pino instance.
  const hostLogger = createHostLogger(config);
  useHostLoggerFromStart(hostLogger);
  const logger = new Logger('riptide-api');
  // Before anything starts, so that a signal at any moment ends the process in order and in time.
  const shutdown = new GracefulShutdown(config.workerShutdownGraceMs, logger).listen();
  if (config.authMode === 'off')
    logger.warn(
      'RIPTIDE_AUTH=off: every route is open to anyone who can reach this port, with no key',
    );
  const redis = await resolveHostRedisOrExit(config, logger);
  // The embedded redis-server stops last, after the app has closed every connection to it.
  const embedded = redis.embedded;
  if (embedded) shutdown.stopsRedisWith((timeoutMs) => embedded.stop(timeoutMs));
  const app = await createApiApp(config, redis.url, undefined, hostLogger);
  shutdown.closesAppWith(() => app.close());
  await app.listen(config.port, config.host);
  const access =
    config.authMode === 'keys'
      ? 'API keys required'
      : config.authMode === 'local'
        ? 'local mode: no key, loopback only'
        : 'open';
  logger.log(`listening on http://${config.host}:${config.port} (${access}; Swagger UI at /docs)`);
}

main().catch((error: Error) => {
  // Through the host's logger (JSON, with the stack) once it exists.
  new Logger('riptide-api').fatal(error);
  process.exit(1);
});
