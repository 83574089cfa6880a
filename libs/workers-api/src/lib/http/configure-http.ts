import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_SECURITY, BEARER_SECURITY } from '@riptide/auth';
import { addMissingExamples } from '../docs/openapi-examples.util';

interface FastifyLike {
  hasContentTypeParser(type: string): boolean;
  removeContentTypeParser(type: string): void;
}

/**
 * Bodies are JSON only: any other content type is refused with 415 by Fastify itself. Fastify's own
 * errors (malformed JSON, 415, 413) reach clients in the API's error shape through Nest, which installs
 * Fastify's error handler at init and hands every error to the global ApiExceptionFilter. The
 * application must be created with `bodyParser: false`, or Nest adds a form parser at init (and a
 * form body would reach validation instead of being refused); Fastify's own JSON parser remains.
 */
export function useApiErrorShapeForFastify(app: INestApplication): void {
  const instance = app.getHttpAdapter().getInstance() as Partial<FastifyLike>;
  if (instance.hasContentTypeParser?.('text/plain'))
    instance.removeContentTypeParser?.('text/plain');
}

/**
 * Swagger UI at `/<path>` and the OpenAPI document at `/<path>-json`, with both ways of sending a key
 * declared, so "Authorize" in the UI sends it on every call it tries.
 */
export function setupWorkersApiDocs(app: INestApplication, path = 'docs', version = '0.1.0'): void {
  const config = new DocumentBuilder()
    .setTitle('RipTide Workers')
    .setDescription(
      'Background jobs for web crawling: submit, inspect, cancel and replay jobs; schedules; stats and health.',
    )
    .setVersion(version)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'An API key (`rt_…`) or the admin key' },
      BEARER_SECURITY,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'The same key, in a header of its own',
      },
      API_KEY_SECURITY,
    )
    .build();
  const document = addMissingExamples(SwaggerModule.createDocument(app, config));
  SwaggerModule.setup(path, app, document, {
    jsonDocumentUrl: `${path}-json`,
    swaggerOptions: { persistAuthorization: true },
  });
}
