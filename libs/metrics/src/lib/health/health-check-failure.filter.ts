import { ArgumentsHost, Catch, ExceptionFilter, ServiceUnavailableException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/**
 * Sends Terminus' own 503 body (`{status, info, error, details}`) unchanged; without it the
 * application's global error filter would turn it into the generic error shape.
 */
@Catch(ServiceUnavailableException)
export class HealthCheckFailureFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: ServiceUnavailableException, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.adapterHost.httpAdapter.reply(http.getResponse(), exception.getResponse(), exception.getStatus());
  }
}
