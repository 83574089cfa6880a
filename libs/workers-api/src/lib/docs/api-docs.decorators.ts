import { Type, applyDecorators } from '@nestjs/common';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import { ApiErrorResponse } from '@riptide/auth';
import {
  QueueUnavailableError,
  RedisCannotPersistError,
  RedisOutOfMemoryError,
} from '@riptide/redis';

/** Ids used by the examples of the document. */
export const EXAMPLE_JOB_ID = '7d9f0c4e-2b1a-4c8e-9f3d-5a6b7c8d9e0f';
export const EXAMPLE_SCHEDULE_ID = '0b6f3a52-91d4-4c1e-8a7b-2f5e6d9c1a3b';
export const EXAMPLE_TIME = '2026-01-15T03:00:00.000Z';

type Example = { summary: string; value: unknown };

/**
 * A JSON request body with its examples, and the answers Fastify gives any body before the route
 * runs: malformed JSON (400), over the body limit (413), not JSON (415).
 */
export function ApiJsonBody(
  type: Type<unknown>,
  examples: Record<string, Example>,
): MethodDecorator {
  return applyDecorators(
    ApiBody({ type, examples }),
    ApiErrorResponse(400, 'Malformed JSON', {
      malformed_json: "Body is not valid JSON but content-type is set to 'application/json'",
    }),
    ApiErrorResponse(413, 'The body is over the limit (BODY_LIMIT_BYTES)', {
      too_large: 'Request body is too large',
    }),
    ApiErrorResponse(
      415,
      'The body is not JSON: only `Content-Type: application/json` is accepted',
      {
        not_json: 'Unsupported Media Type: text/plain',
        form_encoded: 'Unsupported Media Type: application/x-www-form-urlencoded',
      },
    ),
  );
}

/**
 * A successful JSON answer with its description. Without `example`, the document's example is built
 * from the examples of the type's properties when the document is served.
 */
export function ApiOk(
  status: number,
  type: Type<unknown> | [Type<unknown>],
  description: string,
  example?: unknown,
): MethodDecorator {
  return ApiResponse(
    example === undefined ? { status, type, description } : { status, type, description, example },
  );
}

/** Redis away, full or unable to persist: 503 within 2 s, nothing done. */
export function ApiStoreUnavailable(): MethodDecorator & ClassDecorator {
  return ApiErrorResponse(
    503,
    'Redis is unreachable, out of memory or cannot write its disk; nothing was done, try again later',
    {
      unreachable: new QueueUnavailableError().message,
      out_of_memory: new RedisOutOfMemoryError().message,
      cannot_persist: new RedisCannotPersistError().message,
    },
  );
}

/** An invalid query string: every problem listed. */
export function ApiInvalidQuery(examples: Record<string, string[]>): MethodDecorator {
  return ApiErrorResponse(400, 'Invalid query parameters (every problem listed)', examples);
}
