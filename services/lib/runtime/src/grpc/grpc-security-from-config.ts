import type { ServerCredentials } from "@grpc/grpc-js";
import type { Authenticator } from "../auth/authenticator.ts";
import { createAuthenticator } from "../auth/create-authenticator.ts";
import type { GrpcConfig } from "../config/base-config-schema.ts";
import type { Logger } from "../logging/create-logger.ts";
import { createServerCredentials } from "./create-server-credentials.ts";

/** What {@link grpcSecurityFromConfig} returns: spread it into the `GrpcServer` options. */
export interface GrpcSecurity {
  readonly credentials: ServerCredentials;
  readonly authenticator: Authenticator;
}

/**
 * Transport credentials (TLS/mTLS or plain text) and the call authenticator (tokens or disabled) from a
 * service's `grpc` configuration, logging which were chosen.
 *
 * Why one call: every service wires gRPC security the same way —
 * `new GrpcServer({ port: config.grpc.port, ...grpcSecurityFromConfig(config.grpc, logger) })`.
 */
export function grpcSecurityFromConfig(grpc: GrpcConfig, logger: Logger): GrpcSecurity {
  const credentials = createServerCredentials(grpc.tls);
  const transport =
    grpc.tls.certFile === undefined ? "plaintext" : grpc.tls.clientCaFile === undefined ? "tls" : "mtls";
  if (transport === "plaintext")
    logger.info({ grpcTransport: transport }, "gRPC serves plain text (no GRPC_TLS_CERT_FILE)");
  else logger.info({ grpcTransport: transport, certFile: grpc.tls.certFile }, `gRPC serves ${transport}`);
  return { credentials, authenticator: createAuthenticator(grpc.auth, logger) };
}
