import { UseFilters, UsePipes, applyDecorators } from '@nestjs/common';
import { ApiExceptionFilter } from '../errors/api-exception.filter';
import { createValidationPipe } from './validation.pipe';

/**
 * The API's wire contract on one controller: DTO validation (unknown properties refused, every
 * problem listed) and every error in the `{statusCode, error, message}` shape. Scoped to the
 * controllers that carry it, so the routes of the application that imports the library keep their
 * own validation and error bodies.
 */
export const UseApiContract = (): ClassDecorator =>
  applyDecorators(UsePipes(createValidationPipe()), UseFilters(ApiExceptionFilter));
