import type { Metadata } from "@grpc/grpc-js";
import type { Principal } from "./principal.ts";

/**
 * Turns a call's request metadata into the calling {@link Principal}, or throws `UnauthenticatedError`.
 *
 * Why an interface: the gRPC server authenticates every application call at its start (streams included)
 * without knowing where credentials come from — a hashed token file today ({@link TokenAuthenticator}), or
 * nothing at all in local development ({@link disabledAuthenticator}).
 */
export interface Authenticator {
  /** The caller of a call with these request headers; throws `UnauthenticatedError` when there is none. */
  authenticate(metadata: Metadata): Principal;
}
