import { ValidationPipe } from '@nestjs/common';

/** DTO validation: unknown properties refused, every problem listed, query strings converted. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
  });
}
