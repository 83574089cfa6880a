import { Principal } from './principal.interface';

/** The caller of each request, kept beside it rather than on it (no change to the request's shape). */
const principals = new WeakMap<object, Principal>();

export function setPrincipal(request: object, principal: Principal): void {
  principals.set(request, principal);
}

/** The caller the guard found for this request, or null (no key on an `@OptionalAuth` route). */
export function principalOf(request: object): Principal | null {
  return principals.get(request) ?? null;
}
