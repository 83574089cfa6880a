/** A key definition with problems; every one is listed. */
export class ApiKeyValidationError extends Error {
  override readonly name = 'ApiKeyValidationError';

  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}
