/** The worker's handler registry is incomplete or ambiguous; raised at boot, never at run time. */
export class HandlerRegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandlerRegistryError';
  }
}
