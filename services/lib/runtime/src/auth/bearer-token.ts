import type { Metadata } from "@grpc/grpc-js";
import { UnauthenticatedError } from "../errors/unauthenticated-error.ts";

/** The request header carrying the bearer token (gRPC metadata keys are lower case). */
export const authorizationMetadataKey = "authorization";

/**
 * The token of the call's `authorization: Bearer <token>` header; throws {@link UnauthenticatedError} when the
 * header is missing, repeated, or not a bearer token.
 */
export function bearerToken(metadata: Metadata): string {
  const values = metadata.get(authorizationMetadataKey);
  if (values.length === 0) throw new UnauthenticatedError("missing authorization: Bearer <token> header");
  if (values.length > 1) throw new UnauthenticatedError("more than one authorization header");
  const value = values[0];
  const match = typeof value === "string" ? /^Bearer[ ]+(\S+)\s*$/i.exec(value) : null;
  if (match === null) throw new UnauthenticatedError("authorization header is not 'Bearer <token>'");
  return match[1]!;
}
