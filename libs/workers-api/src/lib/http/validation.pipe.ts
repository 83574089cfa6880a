import { Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { BodyValidationException } from './body-validation.exception';

/** What {@link ApiValidationPipe.check} makes of a body: the valid part, and every problem of the rest. */
export interface BodyCheck<T> {
  /** The body as `metatype`, without the fields that had problems. */
  value: T;
  /** Every problem, one message per field at most. */
  problems: string[];
  /** The fields that had problems, as paths (`retry_config.max_attempts`): later checks leave them out. */
  faulty: ReadonlySet<string>;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The paths of the fields that failed (the leaves of class-validator's tree of errors). */
function faultyPaths(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    return error.children?.length ? faultyPaths(error.children, path) : [path];
  });
}

/** A copy of `value` without the fields at `paths`. */
function withoutPaths(
  value: Record<string, unknown>,
  paths: ReadonlySet<string>,
  parent = '',
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const path = parent ? `${parent}.${key}` : key;
    if (paths.has(path)) continue;
    kept[key] = isPlainObject(inner) ? withoutPaths(inner, paths, path) : inner;
  }
  return kept;
}

/**
 * DTO validation: unknown properties refused, query strings converted, and every problem listed in
 * one answer, each message once (a field whose rules share one message, like a range, reads as one).
 */
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    });
  }

  /** A 400 that keeps which fields had problems, for {@link check}. */
  override createExceptionFactory(): (errors?: ValidationError[]) => BodyValidationException {
    return (errors = []) =>
      new BodyValidationException(
        [...new Set(this.flattenValidationErrors(errors))],
        new Set(faultyPaths(errors)),
      );
  }

  /**
   * Checks `value` as a `metatype` body without throwing, for a handler that adds problems of its
   * own (its domain's rules) to the same answer instead of answering in stages.
   */
  async check<T extends object>(metatype: Type<T>, value: unknown): Promise<BodyCheck<T>> {
    try {
      return {
        value: (await this.transform(value, { type: 'body', metatype })) as T,
        problems: [],
        faulty: new Set(),
      };
    } catch (error) {
      if (!(error instanceof BodyValidationException)) throw error;
      const rest = isPlainObject(value) ? withoutPaths(value, error.fields) : {};
      return {
        value: plainToInstance(metatype, rest),
        problems: error.problems,
        faulty: error.fields,
      };
    }
  }
}

/** The API's validation pipe (see {@link ApiValidationPipe}). */
export function createValidationPipe(): ApiValidationPipe {
  return new ApiValidationPipe();
}

/**
 * `more` problems (a domain's, named in wire terms: `retry_config.max_attempts must …`) without
 * those about a field the DTO already found wrong, or inside one: the DTO's message stands for it,
 * and the domain never saw the bad value.
 */
export function withoutFaultyFields(more: string[], faulty: ReadonlySet<string>): string[] {
  return more.filter((problem) => {
    const path = problem.split(' ', 1)[0];
    return ![...faulty].some(
      (field) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`),
    );
  });
}
