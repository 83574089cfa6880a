/** The tenant of jobs and schedules created without one, and of those stored before tenants existed. */
export const DEFAULT_TENANT = 'default';

/**
 * Tenant names (SPEC §6). Lower-case and free of `:`, `{` and `}`, so a name can sit inside a
 * Redis key without breaking the key layout or the Cluster hash tag.
 */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function isValidTenant(name: unknown): name is string {
  return typeof name === 'string' && TENANT_PATTERN.test(name);
}

/** Limits a read or change to one tenant's jobs or schedules. */
export interface TenantScope {
  /** Limits a read or change to this tenant's jobs; absent = every tenant (an admin). */
  tenant?: string;
}

/**
 * Whether something owned by `owner` is visible in `scope`. An empty or invalid scope tenant
 * matches nothing: a malformed filter must fail closed, never widen to every tenant.
 */
export function inTenantScope(owner: string, scope: TenantScope | undefined): boolean {
  return scope?.tenant === undefined || scope.tenant === owner;
}
