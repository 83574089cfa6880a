import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Authenticator, basicAuthPassword } from '@riptide/auth';
import { HostConfig, createHostLogger, createRootModule } from '@riptide/host';
import { mountQueueDashboard } from '@riptide/metrics';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import {
  ApiExceptionFilter,
  setupWorkersApiDocs,
  useApiErrorShapeForFastify,
} from '@riptide/workers-api';
import { refuseNonLoopbackHosts } from './loopback-host.hook';
import { RequestOutcomeLog } from './request-log.controller';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The caller's `x-request-id` when it is sane, else a fresh UUID. */
function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Builds the HTTP host on Fastify (Express costs about two thirds of submit throughput).
 * `logDestination` replaces stdout for the JSON log lines (tests read them); `hostLogger` is the
 * process's pino instance when the host made one before (see useHostLoggerFromStart).
 */
export async function createApiApp(
  config: HostConfig,
  redisUrl: string,
  logDestination?: DestinationStream,
  hostLogger?: PinoLogger,
): Promise<NestFastifyApplication> {
  const logger = hostLogger ?? createHostLogger(config, logDestination);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One line per finished request, levelled by outcome, instead of Fastify's two info lines.
    logController: new RequestOutcomeLog(logger),
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: 30000,
    requestIdHeader: false,
    genReqId: requestId,
  });
  // Boot messages wait in a buffer and go out through pino (JSON at LOG_LEVEL) once it exists. No Nest
  // body parsers: Fastify's JSON parser is the only one, so a form or text body is a 415.
  const app = await NestFactory.create<NestFastifyApplication>(
    createRootModule(config, redisUrl, 'api', logger),
    adapter,
    {
      bufferLogs: true,
      bodyParser: false,
    },
  );
  app.useLogger(app.get(Logger));
  app.flushLogs(); // from here on, every line goes out as it is written (init() alone would keep buffering)
  const fastify = app.getHttpAdapter().getInstance();
  // The request's log lines carry this id (reqId); the caller gets it back.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  if (config.authMode === 'local') refuseNonLoopbackHosts(fastify);
  // Browsers get CORS headers only for origins the operator lists.
  if (config.corsOrigins.length)
    app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['x-request-id'] });
  // The host is the application: unknown routes and Fastify's own refusals (413, 415, malformed
  // JSON) answer in the API's error shape too, not only the libraries' routes.
  app.useGlobalFilters(new ApiExceptionFilter(app.get(HttpAdapterHost)));
  useApiErrorShapeForFastify(app);
  setupWorkersApiDocs(app);
  // bull-board, read-only: operators look; changes go through the API. With keys, a browser logs in
  // with HTTP Basic, any user name and an admin key as the password.
  const authenticator = app.get(Authenticator);
  await mountQueueDashboard(app, {
    path: '/admin/queues',
    readOnly: true,
    authorize:
      config.authMode === 'keys'
        ? async (headers) => {
            const password = basicAuthPassword(headers);
            return (
              password !== null && (await authenticator.authenticate(password))?.admin === true
            );
          }
        : undefined,
  });
  return app;
}
