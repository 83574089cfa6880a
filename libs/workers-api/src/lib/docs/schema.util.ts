import { ApiProperty } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/*
 * Schema pieces the DTOs share. A property typed `string | null` or `unknown` gives TypeScript's
 * metadata no usable type (it reads `Object`), so such properties state theirs here.
 */

const jsonValue = (nullable: boolean) =>
  ({
    oneOf: [
      { type: 'number' },
      { type: 'string' },
      { type: 'boolean' },
      { type: 'object', additionalProperties: true, ...(nullable ? { nullable: true } : {}) },
      { type: 'array', items: {} },
    ],
  }) satisfies SchemaObject;

/** Any JSON value but null: exactly one branch matches any value. */
export const ANY_JSON = jsonValue(false);
/** Any JSON value or null (OpenAPI 3.0 has no null type: null matches the nullable object branch). */
export const ANY_JSON_OR_NULL = jsonValue(true);

/** A job_type as the API returns it: tagged by `type`, the variant's fields in wire names. */
export const WIRE_JOB_TYPE = {
  type: 'object' as const,
  required: ['type'],
  properties: {
    type: {
      type: 'string' as const,
      enum: ['batch_crawl', 'single_crawl', 'pdf_extraction', 'maintenance', 'custom'],
    },
  },
  additionalProperties: true,
  example: { type: 'single_crawl', url: 'https://example.com/', options: null },
} satisfies SchemaObject;

/** An RFC 3339 time, or null. */
export const NullableDateTime = (description: string, example: string | null): PropertyDecorator =>
  ApiProperty({ type: 'string', format: 'date-time', nullable: true, description, example });

/** A string, or null. */
export const NullableString = (description: string, example: string | null): PropertyDecorator =>
  ApiProperty({ type: 'string', nullable: true, description, example });

/** A pattern matching any of `words` in any case (JSON Schema patterns have no case-insensitive flag). */
export const anyCasePattern = (words: readonly string[]): string =>
  `^(${words.map((word) => [...word].map((c) => (c.toLowerCase() === c.toUpperCase() ? c : `[${c.toUpperCase()}${c.toLowerCase()}]`)).join('')).join('|')})$`;

/** An input priority: any case is accepted, answers spell it as listed. */
export const PRIORITY_INPUT = {
  type: 'string' as const,
  pattern: anyCasePattern(['Low', 'Normal', 'High', 'Critical']),
  example: 'High',
} satisfies SchemaObject;
