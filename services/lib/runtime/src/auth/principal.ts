import { PermissionDeniedError } from "../errors/permission-denied-error.ts";
import { type Role, rolesInclude } from "./role.ts";

/** The tenant scope that means every tenant (admin tokens, and the principal of disabled authentication). */
export const allTenants = "*";

/**
 * The authenticated caller of a gRPC call: who it is, which tenants it may touch and with which roles.
 *
 * Why tenant scopes on the principal: invariant 5 (isolation) is enforced by each handler against the tenant of
 * what it reads or writes; the principal is what it checks against ({@link requireTenant}).
 */
export interface Principal {
  /** The token's name from the token file (never the token), used in logs and as `created_by`/`acknowledged_by`. */
  readonly id: string;
  /** The tenants the caller may access, or {@link allTenants} for every tenant. */
  readonly tenants: readonly string[] | typeof allTenants;
  /** The roles granted (a stronger role implies the weaker ones, see `roles`). */
  readonly roles: readonly Role[];
}

/** Whether `principal` may act on `tenant` with `role`. */
export function principalAllows(principal: Principal, tenant: string, role: Role): boolean {
  const inScope = principal.tenants === allTenants || principal.tenants.includes(tenant);
  return inScope && rolesInclude(principal.roles, role);
}

/**
 * Throws {@link PermissionDeniedError} (gRPC PERMISSION_DENIED) unless `principal` may act on `tenant` with
 * `role`. The message names the principal, tenant and role but never the scopes of other tenants.
 */
export function requireTenant(principal: Principal, tenant: string, role: Role): void {
  if (principalAllows(principal, tenant, role)) return;
  const inScope = principal.tenants === allTenants || principal.tenants.includes(tenant);
  throw new PermissionDeniedError(
    inScope
      ? `principal ${principal.id} lacks the ${role} role on tenant ${tenant}`
      : `principal ${principal.id} has no access to tenant ${tenant}`,
    { details: { principal: principal.id, tenant, role } },
  );
}
