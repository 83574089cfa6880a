import { AuthMessages } from '../auth.messages';

/** The operator's ceiling on the number of keys is reached. */
export class ApiKeyLimitError extends Error {
  override readonly name = 'ApiKeyLimitError';

  constructor(readonly maxKeys: number) {
    super(AuthMessages.tooManyKeys(maxKeys));
  }
}
