import { ArgumentsHost, Catch, ExceptionFilter, ServiceUnavailableException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { HealthCheckResult } from '@nestjs/terminus';
import { healthForCaller } from './health-visibility.util';

/**
 * Sends Terminus' own 503 body (`{status, info, error, details}`, details only for `metrics:read`); without it the
 * controller's API error filter would turn it into the generic error shape.
 */
@Catch(ServiceUnavailableException)
export class HealthCheckFailureFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: ServiceUnavailableException, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const body = healthForCaller(
      http.getRequest<object>(),
      exception.getResponse() as HealthCheckResult,
    );
    this.adapterHost.httpAdapter.reply(http.getResponse(), body, exception.getStatus());
  }
}
