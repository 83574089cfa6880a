import { DynamicModule, Logger as NestLogger } from '@nestjs/common';
import { Logger, LoggerModule, PinoLogger } from 'nestjs-pino';
import pino, { DestinationStream, Logger as PinoInstance } from 'pino';
import { HostConfig } from './host-config.interface';

/**
 * The process's one pino instance: structured JSON lines at LOG_LEVEL. The API host hands the same
 * instance to Fastify, whose per-request child carries `reqId` on the request's own lines (completion,
 * errors); everything else (job events with `jobId`, lifecycle) logs through nestjs-pino on this root.
 */
export function createHostLogger(
  config: Pick<HostConfig, 'logLevel'>,
  destination?: DestinationStream,
): PinoInstance {
  return destination
    ? pino({ level: config.logLevel }, destination)
    : pino({ level: config.logLevel });
}

/**
 * nestjs-pino as the Nest logger, over an existing pino instance, without its per-request middleware.
 * That middleware (pino-http, or the AsyncLocalStorage binding of `useExisting`) costs a submission
 * more than half of its CPU on Node 20: pino-http serialises the request into a child on every request,
 * and AsyncLocalStorage turns on promise hooks for every promise of the process. Our request paths log
 * only at their edges, where the request (and its `reqId`) is at hand, so the context buys nothing there.
 */
export function hostLoggerModule(logger: PinoInstance): DynamicModule {
  return LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [] });
}

/**
 * Every Nest `Logger` of the process writes through `logger` from now on, before any application
 * exists: the host's first lines (starting the embedded Redis, a warning about the configuration)
 * are JSON like all the others, instead of Nest's coloured console text until the app is up.
 */
export function useHostLoggerFromStart(logger: PinoInstance): void {
  NestLogger.overrideLogger(new Logger(new PinoLogger({ pinoHttp: { logger } }), {}));
}
