import type { OpenAPIObject } from '@nestjs/swagger';

type Schema = Record<string, unknown>;
type Media = { schema?: Schema; example?: unknown; examples?: unknown };

/**
 * Gives every JSON request body and answer that has no example one built from its schema: each
 * property's own `example` (else its default, first enum value or a placeholder of its type). The
 * examples thus come from the DTO decorators and change with them.
 */
export function addMissingExamples(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  for (const item of Object.values(document.paths ?? {}))
    for (const operation of Object.values(
      item as Record<
        string,
        {
          requestBody?: { content?: Record<string, Media> };
          responses?: Record<string, { content?: Record<string, Media> }>;
        }
      >,
    )) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation))
        continue;
      const contents = [
        operation.requestBody?.content,
        ...Object.values(operation.responses ?? {}).map((response) => response.content),
      ];
      for (const content of contents)
        for (const [mediaType, media] of Object.entries(content ?? {}))
          if (
            mediaType === 'application/json' &&
            media.schema &&
            media.example === undefined &&
            media.examples === undefined
          )
            media.example = exampleOf(media.schema, schemas, 0);
    }
  return document;
}

function exampleOf(schema: Schema, schemas: Record<string, Schema>, depth: number): unknown {
  const ref = schema['$ref'];
  if (typeof ref === 'string')
    return exampleOf(schemas[ref.replace('#/components/schemas/', '')] ?? {}, schemas, depth + 1);
  if (schema['example'] !== undefined) return schema['example'];
  if (schema['default'] !== undefined) return schema['default'];
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  for (const key of ['oneOf', 'anyOf'] as const)
    if (Array.isArray(schema[key])) return exampleOf(schema[key][0] as Schema, schemas, depth + 1);
  if (Array.isArray(schema['allOf']))
    return Object.assign(
      {},
      ...schema['allOf'].map((part) => exampleOf(part as Schema, schemas, depth + 1)),
    );
  if (schema['nullable'] === true) return null;
  if (depth > 8) return null;
  switch (schema['type']) {
    case 'array':
      return [exampleOf((schema['items'] as Schema) ?? {}, schemas, depth + 1)];
    case 'integer':
    case 'number':
      return typeof schema['minimum'] === 'number' ? schema['minimum'] : 0;
    case 'boolean':
      return true;
    case 'string':
      return schema['format'] === 'date-time'
        ? '2026-01-15T03:00:00.000Z'
        : schema['format'] === 'uuid'
          ? '7d9f0c4e-2b1a-4c8e-9f3d-5a6b7c8d9e0f'
          : 'string';
    default: {
      const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
      return Object.fromEntries(
        Object.entries(properties).map(([name, property]) => [
          name,
          exampleOf(property, schemas, depth + 1),
        ]),
      );
    }
  }
}
