/** One or more environment variables do not parse; the message names each one. */
export class HostConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'HostConfigError';
  }
}
