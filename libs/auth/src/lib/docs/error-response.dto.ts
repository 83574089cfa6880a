import { ApiProperty } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';

/**
 * The one error body of every route (Nest's own shape): `{statusCode, error, message}`. Declared here,
 * in the lowest library that answers HTTP errors, so that every library documents the same schema.
 */
export class ErrorResponseDto {
  @ApiProperty({
    type: 'integer',
    minimum: 400,
    maximum: 599,
    example: 404,
    description: 'The HTTP status, repeated',
  })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found', description: 'The status text of the HTTP status' })
  error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
    example: 'Job 7d9f0c4e-2b1a-4c8e-9f3d-5a6b7c8d9e0f not found',
    description: 'What is wrong; a validation error lists every problem',
  })
  message!: string | string[];
}

/** An error body as the API sends it, for examples. */
export const errorExample = (statusCode: number, message: string | string[]): ErrorResponseDto => ({
  statusCode,
  error: STATUS_CODES[statusCode] ?? 'Error',
  message,
});
