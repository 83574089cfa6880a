import { AuthMessages } from '../auth.messages';

/** No key with this id (or it was revoked). */
export class ApiKeyNotFoundError extends Error {
  override readonly name = 'ApiKeyNotFoundError';

  constructor(readonly keyId: string) {
    super(AuthMessages.keyNotFound(keyId));
  }
}
