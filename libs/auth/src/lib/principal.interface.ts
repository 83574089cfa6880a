import type { TenantScope } from '@riptide/queue';
import { ADMIN_SCOPE, Scope } from './auth.constants';
import type { KeyLimits } from './api-key.interface';
import type { KeyDefaults } from './auth-options.interface';

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

/** The caller's limits: its key's own, else the operator's defaults. */
export function limitsOf(principal: Principal, defaults: KeyDefaults): KeyDefaults {
  const own = principal.limits;
  return {
    rateLimitPerSec: own.rateLimitPerSec ?? defaults.rateLimitPerSec,
    burst: own.burst ?? defaults.burst,
    maxActiveJobs: own.maxActiveJobs ?? defaults.maxActiveJobs,
    maxSchedules: own.maxSchedules ?? defaults.maxSchedules,
    maxPriority: own.maxPriority ?? defaults.maxPriority,
  };
}
