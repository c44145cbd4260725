import type { Authenticator } from "./authenticator.ts";
import { allTenants, type Principal } from "./principal.ts";

/** The principal of every call when authentication is disabled: all tenants, admin. */
export const developmentPrincipal: Principal = Object.freeze({
  id: "anonymous (authentication disabled)",
  tenants: allTenants,
  roles: Object.freeze(["admin"] as const),
});

/**
 * The authenticator of `GRPC_AUTH_MODE=disabled` (and of a `GrpcServer` given none): every call, with or
 * without a token, is the {@link developmentPrincipal}.
 *
 * Why it exists: local development and demos without a token file. It grants every tenant, so
 * `createAuthenticator` logs a warning whenever a service starts with it.
 */
export const disabledAuthenticator: Authenticator = Object.freeze({
  authenticate: () => developmentPrincipal,
});
