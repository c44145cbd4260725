import { createHmac, timingSafeEqual } from "node:crypto";

/** Name of the header carrying the signature: `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const signatureHeader = "x-twinstate-signature";
/** Name of the header carrying the idempotency key (stable across retries of one notification). */
export const idempotencyKeyHeader = "idempotency-key";

/**
 * `sha256=` + hex HMAC-SHA256 of the exact body bytes with the shared secret, the format GitHub uses for
 * `X-Hub-Signature-256`, so receivers can reuse existing verification code.
 */
export function signBody(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Verifies a signature header value against the body in constant time (what a receiver does). */
export function verifySignature(body: string | Uint8Array, secret: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
