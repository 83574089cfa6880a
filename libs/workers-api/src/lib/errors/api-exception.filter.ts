import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import {
  JobNotFoundError,
  JobResultUnavailableError,
  JobStateConflictError,
  JobValidationError,
} from '@riptide/queue';
import {
  QueueUnavailableError,
  RedisCannotPersistError,
  RedisOutOfMemoryError,
} from '@riptide/redis';
import { WorkersApiMessages } from '../workers-api.messages';
import { EventStreamsFullError } from './event-streams-full.error';

/** The one error body of the API: `{statusCode, error, message}`; never a stack or an address. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

export const errorBody = (statusCode: number, message: string | string[]): ApiErrorBody => ({
  statusCode,
  error: STATUS_CODES[statusCode] ?? 'Error',
  message,
});

/** Domain errors carry their HTTP meaning here and nowhere else. Other libraries may add theirs. */
const DOMAIN_STATUS: [new (...args: never[]) => Error, number][] = [
  [JobValidationError, HttpStatus.BAD_REQUEST],
  [JobNotFoundError, HttpStatus.NOT_FOUND],
  [JobResultUnavailableError, HttpStatus.NOT_FOUND],
  [JobStateConflictError, HttpStatus.CONFLICT],
  [QueueUnavailableError, HttpStatus.SERVICE_UNAVAILABLE],
  [RedisOutOfMemoryError, HttpStatus.SERVICE_UNAVAILABLE],
  [RedisCannotPersistError, HttpStatus.SERVICE_UNAVAILABLE],
  [EventStreamsFullError, HttpStatus.SERVICE_UNAVAILABLE],
];

/** Lets another library (the scheduler) map its own domain errors without a dependency cycle. */
export function registerDomainError(type: new (...args: never[]) => Error, status: number): void {
  if (!DOMAIN_STATUS.some(([known]) => known === type)) DOMAIN_STATUS.push([type, status]);
}

/**
 * Maps any thrown value to the API's error body. `contentType` (the request's header) lets a 415
 * raised by the HTTP server itself name what was sent.
 */
export function toErrorBody(exception: unknown, contentType?: string): ApiErrorBody {
  if (isServerMediaTypeRefusal(exception))
    return errorBody(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      WorkersApiMessages.unsupportedMediaType(contentType),
    );
  if (exception instanceof JobValidationError) return errorBody(400, exception.problems);
  for (const [type, status] of DOMAIN_STATUS)
    if (exception instanceof type) return errorBody(status, (exception as Error).message);
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'object' && response && 'message' in response
        ? (response as { message: string | string[] }).message
        : exception.message;
    return errorBody(status, message);
  }
  // Errors raised by Fastify itself (body parser, content type, body size) carry a 4xx statusCode.
  const statusCode = (exception as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500)
    return errorBody(statusCode, (exception as Error).message);
  return errorBody(500, 'Internal server error');
}

/**
 * A 415 of the HTTP server's body parsing (Fastify's, which Nest hands on as an HttpException), whose
 * text says only "Unsupported Media Type"; the API's own 415s already name the accepted type.
 */
function isServerMediaTypeRefusal(exception: unknown): boolean {
  if (exception instanceof UnsupportedMediaTypeException) return false;
  const status =
    exception instanceof HttpException
      ? exception.getStatus()
      : (exception as { statusCode?: unknown })?.statusCode;
  return status === HttpStatus.UNSUPPORTED_MEDIA_TYPE;
}

const STORE_STATES = [QueueUnavailableError, RedisOutOfMemoryError, RedisCannotPersistError];
/** A process at its capacity answers 503 by design: a state, not a fault to log per request. */
const CAPACITY_STATES = [EventStreamsFullError];
/** A Redis that cannot write its disk needs an operator: said in the log once a minute while it lasts. */
const CANNOT_PERSIST_LOG_EVERY_MS = 60_000;

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');
  private cannotPersistLoggedAt = 0;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const contentType = http.getRequest<{ headers?: Record<string, unknown> }>().headers?.[
      'content-type'
    ];
    const body = toErrorBody(exception, typeof contentType === 'string' ? contentType : undefined);
    if (
      exception instanceof RedisCannotPersistError &&
      Date.now() - this.cannotPersistLoggedAt >= CANNOT_PERSIST_LOG_EVERY_MS
    ) {
      this.cannotPersistLoggedAt = Date.now();
      this.logger.error(
        `${exception.message}: submissions get 503 until the Redis data folder has space (or is writable) again`,
      );
    }
    // Redis being away, full or unable to write its disk is a state of the store, reported by /health
    // (and logged there, once), not a bug to log per request.
    if (
      body.statusCode >= 500 &&
      ![...STORE_STATES, ...CAPACITY_STATES].some((type) => exception instanceof type)
    ) {
      const request = http.getRequest<{ id?: string; method?: string; url?: string }>();
      this.logger.error({
        msg: 'request failed',
        reqId: request.id,
        req: { method: request.method, url: request.url },
        err: exception,
      });
    }
    this.adapterHost.httpAdapter.reply(http.getResponse(), body, body.statusCode);
  }
}
