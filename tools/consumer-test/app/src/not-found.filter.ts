import { ArgumentsHost, Catch, ExceptionFilter, NotFoundException } from '@nestjs/common';

/** The service's own answer for a path it does not serve. */
@Catch(NotFoundException)
export class RouteNotFoundFilter implements ExceptionFilter {
  catch(exception: NotFoundException, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<{ path: string }>();
    const body = exception.getResponse();
    const own = typeof body === 'object' && body !== null && 'code' in body;
    http
      .getResponse<{ status(code: number): { json(body: unknown): void } }>()
      .status(404)
      .json(own ? body : { code: 'NO_SUCH_ROUTE', path: request.path });
  }
}
