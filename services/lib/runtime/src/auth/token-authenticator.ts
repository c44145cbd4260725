import { createHash, timingSafeEqual } from "node:crypto";
import type { Metadata } from "@grpc/grpc-js";
import { UnauthenticatedError } from "../errors/unauthenticated-error.ts";
import type { Authenticator } from "./authenticator.ts";
import { bearerToken } from "./bearer-token.ts";
import type { Principal } from "./principal.ts";
import { loadTokenFile, type TokenEntry } from "./token-file.ts";

/** Compares two equal-length digests; must take time independent of where they differ. */
export type DigestComparator = (a: Buffer, b: Buffer) => boolean;

/**
 * Authenticates `authorization: Bearer <token>` against the SHA-256 digests of a token file.
 *
 * Why this way: the presented token is hashed (so every comparison is between two 32-byte digests, whatever
 * the token's length), then compared with EVERY stored digest using `crypto.timingSafeEqual` without stopping
 * at a match, so neither the position of the first differing byte nor the index of the matching entry shows in
 * the response time. Missing, malformed and unknown tokens all answer UNAUTHENTICATED.
 */
export class TokenAuthenticator implements Authenticator {
  readonly #entries: readonly TokenEntry[];
  readonly #compare: DigestComparator;

  /** `compare` defaults to `crypto.timingSafeEqual`; it is a parameter only so tests can observe its use. */
  constructor(entries: readonly TokenEntry[], compare: DigestComparator = timingSafeEqual) {
    this.#entries = entries;
    this.#compare = compare;
  }

  /** Loads the token file at `path` (see `loadTokenFile`; throws `ConfigError` naming file and field). */
  static fromFile(path: string): TokenAuthenticator {
    return new TokenAuthenticator(loadTokenFile(path));
  }

  /** How many tokens are accepted. */
  get size(): number {
    return this.#entries.length;
  }

  authenticate(metadata: Metadata): Principal {
    const digest = createHash("sha256").update(bearerToken(metadata), "utf8").digest();
    let found: Principal | undefined;
    for (const entry of this.#entries) {
      // No early exit: every entry is compared whether or not one already matched.
      if (this.#compare(digest, entry.digest) && found === undefined) found = entry.principal;
    }
    if (found === undefined) throw new UnauthenticatedError("unknown bearer token");
    return found;
  }
}
