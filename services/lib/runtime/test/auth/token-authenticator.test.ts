import { createHash, timingSafeEqual } from "node:crypto";
import { Metadata } from "@grpc/grpc-js";
import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { bearerToken } from "../../src/auth/bearer-token.ts";
import { allTenants, principalAllows, requireTenant } from "../../src/auth/principal.ts";
import { TokenAuthenticator } from "../../src/auth/token-authenticator.ts";
import type { TokenEntry } from "../../src/auth/token-file.ts";
import { PermissionDeniedError } from "../../src/errors/permission-denied-error.ts";
import { UnauthenticatedError } from "../../src/errors/unauthenticated-error.ts";

const digest = (token: string) => createHash("sha256").update(token, "utf8").digest();
const entries: TokenEntry[] = ["t0", "t1", "t2", "t3"].map((token, i) => ({
  digest: digest(token),
  principal: { id: `p${i}`, tenants: [`tenant-${i}`], roles: ["read"] },
}));
function withAuthorization(...values: string[]): Metadata {
  const metadata = new Metadata();
  for (const value of values) metadata.add("authorization", value);
  return metadata;
}

describe("TokenAuthenticator", () => {
  test("a known bearer token maps to its principal; unknown, missing and malformed ones are UNAUTHENTICATED", () => {
    const auth = new TokenAuthenticator(entries);
    expect(auth.authenticate(withAuthorization("Bearer t2")).id).toBe("p2");
    expect(auth.authenticate(withAuthorization("bearer   t0")).id).toBe("p0");
    for (const metadata of [
      withAuthorization("Bearer t9"),
      new Metadata(),
      withAuthorization("Basic dTpw"),
      withAuthorization("Bearer"),
      withAuthorization("Bearer t0", "Bearer t1"),
    ]) {
      expect(() => auth.authenticate(metadata)).toThrow(UnauthenticatedError);
    }
  });

  test("every stored digest is compared with the constant-time comparator, whichever token (or none) matches", () => {
    fc.assert(
      fc.property(fc.constantFrom("t0", "t1", "t2", "t3", "unknown", "t0 "), (token) => {
        const compared: Buffer[] = [];
        const counting = (a: Buffer, b: Buffer) => {
          compared.push(b);
          return timingSafeEqual(a, b);
        };
        const auth = new TokenAuthenticator(entries, counting);
        try {
          auth.authenticate(withAuthorization(`Bearer ${token}`));
        } catch (error) {
          expect(error).toBeInstanceOf(UnauthenticatedError);
        }
        // No early exit: all four entries, in order, for a match at the first, the last, or none.
        expect(compared).toEqual(entries.map((e) => e.digest));
      }),
    );
  });

  test("the default comparator is crypto.timingSafeEqual (equal-length digests, so it never throws)", () => {
    const auth = new TokenAuthenticator(entries);
    // A token longer than any digest still works: the presented token is hashed before comparing.
    expect(() => auth.authenticate(withAuthorization(`Bearer ${"x".repeat(10_000)}`))).toThrow(UnauthenticatedError);
  });

  test("bearerToken reads the token", () => {
    expect(bearerToken(withAuthorization("Bearer abc.def-1"))).toBe("abc.def-1");
  });
});

describe("tenant scopes", () => {
  const reader = { id: "r", tenants: ["acme"], roles: ["read"] } as const;
  const writer = { id: "w", tenants: ["acme", "beta"], roles: ["write"] } as const;
  const admin = { id: "a", tenants: allTenants, roles: ["admin"] } as const;

  test("roles imply the weaker ones; tenants outside the scope are denied", () => {
    expect(principalAllows(reader, "acme", "read")).toBe(true);
    expect(principalAllows(reader, "acme", "write")).toBe(false);
    expect(principalAllows(writer, "beta", "read")).toBe(true);
    expect(principalAllows(writer, "beta", "admin")).toBe(false);
    expect(principalAllows(writer, "gamma", "read")).toBe(false);
    expect(principalAllows(admin, "anything", "admin")).toBe(true);
  });

  test("requireTenant throws PERMISSION_DENIED naming principal and tenant", () => {
    expect(() => requireTenant(reader, "beta", "read")).toThrow(
      expect.objectContaining({ code: "PERMISSION_DENIED", message: "principal r has no access to tenant beta" }),
    );
    expect(() => requireTenant(reader, "acme", "write")).toThrow(PermissionDeniedError);
    expect(() => requireTenant(writer, "acme", "write")).not.toThrow();
  });
});
