import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import OpenAPIBackend, { type Document, type Operation } from 'openapi-backend';
import type { ValidationContext } from 'openapi-backend/validation';

/** One answer of the API as a client saw it. */
export interface Answer {
  method: string;
  path: string;
  query?: Record<string, string>;
  status: number;
  contentType: string | undefined;
  body: unknown;
}

type Schema = Record<string, unknown>;
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The served document is valid OpenAPI by the official JSON schemas, as checked by
 * @seriousme/openapi-schema-validator. It ships as an ES module only, which jest's module system
 * cannot load, so its own command line runs it in a Node process of its own.
 */
export async function validateOpenApiDocument(
  document: object,
): Promise<{ valid: boolean; errors?: unknown }> {
  const folder = mkdtempSync(join(tmpdir(), 'openapi-'));
  const file = join(folder, 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  const cli = join(
    dirname(require.resolve('@seriousme/openapi-schema-validator/package.json')),
    'bin/validate-api-cli.js',
  );
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, file]);
    return JSON.parse(stdout) as { valid: boolean };
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout;
    return stdout
      ? (JSON.parse(stdout) as { valid: boolean; errors?: unknown })
      : { valid: false, errors: String(error) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * A copy of the document in which every object schema that lists its properties allows no other:
 * a field the server sends but the document does not declare is then a violation too.
 */
function closeObjectSchemas(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjectSchemas);
  if (typeof node !== 'object' || node === null) return node;
  const copy: Schema = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === 'example' || key === 'examples' ? value : closeObjectSchemas(value),
    ]),
  );
  if (
    copy['properties'] &&
    typeof copy['properties'] === 'object' &&
    copy['additionalProperties'] === undefined
  )
    copy['additionalProperties'] = false;
  return copy;
}

/**
 * Checks real answers against the served OpenAPI document with openapi-backend (ajv underneath):
 * the status must be one the operation documents, the media type one it declares, and the body
 * must validate against that status's schema. Records which operation answered which status.
 */
export class OpenApiContract {
  readonly problems: string[] = [];
  readonly seen = new Set<string>();

  private constructor(
    private readonly api: OpenAPIBackend,
    readonly document: Document,
    private readonly closed: Document,
  ) {}

  static async load(document: Document): Promise<OpenApiContract> {
    const closed = closeObjectSchemas(document) as Document;
    const api = new OpenAPIBackend({
      definition: structuredClone(closed),
      strict: true,
      validate: true,
      customizeAjv: (ajv) => {
        ajv.addFormat('date-time', DATE_TIME);
        ajv.addFormat('uuid', UUID);
        ajv.addFormat('uri', (value: string) => URL.canParse(value));
        return ajv;
      },
    });
    await api.init();
    return new OpenApiContract(api, document, closed);
  }

  /**
   * Checks a value against one named schema of the document: where an answer's schema must admit
   * anything (a custom job's result), the built-in shapes are still held to theirs.
   */
  checkComponent(name: string, value: unknown, label: string): void {
    const ajv = this.api.validator.getAjv('responseValidator' as ValidationContext);
    const validate = ajv.compile({
      $ref: `#/components/schemas/${name}`,
      components: this.closed.components,
    });
    if (!validate(value))
      this.problems.push(
        `${label} as ${name}: ${JSON.stringify(validate.errors?.map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`))}`,
      );
  }

  /** `METHOD /path/{param}` of every operation, with the statuses it documents. */
  documentedAnswers(): string[] {
    const answers: string[] = [];
    for (const [path, item] of Object.entries(this.document.paths ?? {}))
      for (const method of HTTP_METHODS) {
        const operation = (item as Record<string, { responses?: object } | undefined>)[method];
        for (const status of Object.keys(operation?.responses ?? {}))
          answers.push(`${method.toUpperCase()} ${path} ${status}`);
      }
    return answers;
  }

  check(answer: Answer): void {
    const label = `${answer.method.toUpperCase()} ${answer.path} → ${answer.status}`;
    const operation = this.api.router.matchOperation({
      method: answer.method,
      path: answer.path,
      headers: {},
      query: answer.query ?? {},
    });
    if (!operation) return void this.problems.push(`${label}: no operation in the document`);
    this.seen.add(`${answer.method.toUpperCase()} ${operation.path} ${answer.status}`);
    const response = (operation.responses ?? {})[String(answer.status)] as
      { content?: Record<string, unknown> } | undefined;
    if (!response)
      return void this.problems.push(
        `${label}: status not documented (documented: ${Object.keys(operation.responses ?? {}).join(', ')})`,
      );
    const declared = Object.keys(response.content ?? {});
    if (answer.status === 204 || declared.length === 0) {
      if (
        answer.body !== undefined &&
        answer.body !== '' &&
        !(typeof answer.body === 'object' && answer.body && Object.keys(answer.body).length === 0)
      )
        this.problems.push(`${label}: a body was sent where the document declares none`);
      return;
    }
    const mediaType = answer.contentType?.split(';')[0].trim();
    if (!mediaType || !declared.includes(mediaType))
      return void this.problems.push(
        `${label}: content type ${mediaType} not among ${declared.join(', ')}`,
      );
    const result = this.api.validator.validateResponse(answer.body, operation, answer.status);
    if (!result.valid)
      this.problems.push(
        `${label}: ${JSON.stringify(result.errors?.map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`))}`,
      );
  }

  /**
   * Every request-body and response example in the document, checked against its own schema, and
   * every JSON body and answer required to have one.
   */
  checkExamples(): string[] {
    const problems: string[] = [];
    for (const operation of this.api.router.getOperations()) {
      const label = `${operation.method.toUpperCase()} ${operation.path}`;
      const body = (
        operation.requestBody as
          | {
              content?: Record<
                string,
                { example?: unknown; examples?: Record<string, { value: unknown }> }
              >;
            }
          | undefined
      )?.content;
      for (const [mediaType, content] of Object.entries(body ?? {})) {
        const examples = exampleValues(content);
        if (!examples.length) problems.push(`${label} request ${mediaType}: no example`);
        for (const [name, value] of examples) {
          const result = this.api.validator.validateRequest(
            {
              method: operation.method,
              path: concretePath(operation),
              headers: { 'content-type': mediaType },
              query: {},
              body: value,
            },
            operation,
          );
          if (!result.valid)
            problems.push(
              `${label} request example ${name}: ${JSON.stringify(result.errors?.map((e) => `${e.instancePath} ${e.message ?? ''}`))}`,
            );
        }
      }
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const { content, description } = response as {
          content?: Record<
            string,
            { example?: unknown; examples?: Record<string, { value: unknown }> }
          >;
          description?: string;
        };
        if (!description?.trim()) problems.push(`${label} ${status}: no description`);
        for (const [mediaType, media] of Object.entries(content ?? {})) {
          const examples = exampleValues(media);
          if (!examples.length) problems.push(`${label} ${status} ${mediaType}: no example`);
          if (mediaType !== 'application/json') continue;
          for (const [name, value] of examples) {
            const result = this.api.validator.validateResponse(value, operation, Number(status));
            if (!result.valid)
              problems.push(
                `${label} ${status} example ${name}: ${JSON.stringify(result.errors?.map((e) => `${e.instancePath} ${e.message ?? ''}`))}`,
              );
          }
        }
      }
    }
    return problems;
  }
}

function exampleValues(media: {
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}): [string, unknown][] {
  const values: [string, unknown][] = [];
  if (media.example !== undefined) values.push(['example', media.example]);
  for (const [name, example] of Object.entries(media.examples ?? {}))
    values.push([name, example.value]);
  return values;
}

/** The operation's path with a UUID in every parameter, for checking its request examples. */
function concretePath(operation: Operation): string {
  return operation.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
}
