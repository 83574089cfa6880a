/**
 * Every Redis key of the auth library. Keys live under `<prefix>:auth:`; with a hash-tagged
 * prefix (`{riptide}`) they share the queue's Redis Cluster slot. Only hashes of secrets and
 * server-generated ids appear in them.
 */
export class AuthKeys {
  constructor(readonly prefix: string) {}

  /** Key id → the key's record (JSON). */
  get records(): string {
    return `${this.prefix}:auth:keys`;
  }

  /** SHA-256 of a secret → key id. */
  get secrets(): string {
    return `${this.prefix}:auth:secrets`;
  }

  /** Pub/sub channel: a key was revoked; every process drops what it cached. */
  get revokedChannel(): string {
    return `${this.prefix}:auth:revoked`;
  }
}
