import { UseGuards, applyDecorators } from '@nestjs/common';
import { ApiConsumes } from '@nestjs/swagger';
import { JsonContentTypeGuard } from './json-content-type.guard';

/** On a route that takes a body: the body must be JSON (415 otherwise). */
export const AcceptsJson = (): MethodDecorator & ClassDecorator =>
  applyDecorators(UseGuards(JsonContentTypeGuard), ApiConsumes('application/json'));
