import {
  CanActivate,
  ExecutionContext,
  Injectable,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { WorkersApiMessages } from '../workers-api.messages';

/** The media type of a Content-Type header, without parameters, lower-cased. */
const mediaTypeOf = (header: string): string => header.split(';', 1)[0].trim().toLowerCase();

/**
 * Routes that take a body take JSON only: anything else (a form, as `curl -d` sends, or no
 * Content-Type at all) is a 415 naming the accepted type, not a puzzling validation error about the
 * body the form parser made of it. Checked here, in the library, so that it holds whatever body
 * parsers the host application has.
 */
@Injectable()
export class JsonContentTypeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const header = request.headers['content-type'];
    const received = Array.isArray(header) ? header.join(', ') : header;
    if (received !== undefined && mediaTypeOf(received) === 'application/json') return true;
    throw new UnsupportedMediaTypeException(WorkersApiMessages.unsupportedMediaType(received));
  }
}
