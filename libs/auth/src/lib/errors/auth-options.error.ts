/** AuthModule was given options it cannot run with. */
export class AuthOptionsError extends Error {
  override readonly name = 'AuthOptionsError';
}
