// Authentication part of @twinstate/runtime: bearer tokens mapped to principals with tenant scopes and roles.
export type { Authenticator } from "./authenticator.ts";
export { authorizationMetadataKey, bearerToken } from "./bearer-token.ts";
export { createAuthenticator } from "./create-authenticator.ts";
export { developmentPrincipal, disabledAuthenticator } from "./disabled-authenticator.ts";
export { allTenants, type Principal, principalAllows, requireTenant } from "./principal.ts";
export { type Role, roles, rolesInclude } from "./role.ts";
export { type DigestComparator, TokenAuthenticator } from "./token-authenticator.ts";
export { loadTokenFile, type TokenEntry, tokenFileSchema } from "./token-file.ts";
