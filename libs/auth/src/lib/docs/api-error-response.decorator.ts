import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto, errorExample } from './error-response.dto';

/**
 * Documents an error answer in the shared `{statusCode, error, message}` schema, with one named
 * example per cause (`{cause: message}`). Several of these for one status merge into one answer
 * whose description lists every cause, so a route may add causes to those its guard documents.
 */
export function ApiErrorResponse(
  status: number,
  description: string,
  examples: Record<string, string | string[]>,
): MethodDecorator & ClassDecorator {
  return ApiResponse({
    status,
    description,
    type: ErrorResponseDto,
    examples: Object.fromEntries(
      Object.entries(examples).map(([cause, message]) => [
        cause,
        {
          summary: Array.isArray(message) ? message.join('; ') : message,
          value: errorExample(status, message),
        },
      ]),
    ),
  });
}
