import { FastifyReply, FastifyRequest, LogController } from 'fastify';
import type { Level, Logger } from 'pino';

/**
 * Fastify's request log lines, our way: no "incoming request" line, and one "request completed" line
 * on the request's own logger (so it carries `reqId`) levelled by outcome: server errors at error,
 * client errors at warn, the rest at debug so that info stays readable under load. The level is checked
 * on the root (request children share it) before anything is built, so a dropped line costs nothing.
 */
export class RequestOutcomeLog extends LogController {
  constructor(private readonly root: Logger) {
    super();
  }

  override incomingRequest(): void {
    // The completion line says all of it.
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const status = reply.statusCode;
    const level: Level = error || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'debug';
    if (!this.root.isLevelEnabled(level)) return;
    const line = {
      req: { method: request.method, url: request.url },
      res: { statusCode: status },
      responseTime: Math.round(reply.elapsedTime),
    };
    reply.log[level](error ? { ...line, err: error } : line, 'request completed');
  }
}
