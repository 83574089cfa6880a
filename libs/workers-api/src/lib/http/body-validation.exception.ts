import { BadRequestException } from '@nestjs/common';

/** A 400 listing every problem of a body or query, and the paths of the fields that had them. */
export class BodyValidationException extends BadRequestException {
  constructor(
    readonly problems: string[],
    readonly fields: ReadonlySet<string>,
  ) {
    super(problems);
  }
}
