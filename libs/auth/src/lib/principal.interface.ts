import type { TenantScope } from '@riptide/queue';
import { ADMIN_SCOPE, Scope } from './auth.constants';
import type { KeyLimits } from './api-key.interface';

/** Who is calling: the key that authenticated the request, or the operator. */
export interface Principal {
  /** The key's id; null for the admin key and for open mode. */
  keyId: string | null;
  name: string;
  /** The tenant the caller's jobs and schedules belong to. */
  tenant: string;
  scopes: readonly Scope[];
  /** True with the `admin` scope: every scope, every tenant. */
  admin: boolean;
  limits: KeyLimits;
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.admin || principal.scopes.includes(scope);
}

/**
 * The tenants a caller's reads and changes reach: an admin every tenant (or the one it asks
 * for), anyone else only its own, whatever it asks for.
 */
export function tenantScopeOf(principal: Principal, requestedTenant?: string): TenantScope {
  if (principal.admin) return requestedTenant ? { tenant: requestedTenant } : {};
  return { tenant: principal.tenant };
}

export function operatorPrincipal(name: string, tenant: string): Principal {
  return { keyId: null, name, tenant, scopes: [ADMIN_SCOPE], admin: true, limits: {} };
}
