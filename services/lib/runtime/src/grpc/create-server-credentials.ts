import { readFileSync } from "node:fs";
import { ServerCredentials } from "@grpc/grpc-js";
import type { GrpcConfig } from "../config/base-config-schema.ts";
import { ConfigError } from "../errors/config-error.ts";

const envNames = {
  certFile: "GRPC_TLS_CERT_FILE",
  keyFile: "GRPC_TLS_KEY_FILE",
  clientCaFile: "GRPC_TLS_CLIENT_CA_FILE",
} as const;

/**
 * The gRPC server's transport credentials from `grpc.tls`: plain text when no certificate is set (local
 * development), TLS with the server certificate chain and key (`GRPC_TLS_CERT_FILE`, `GRPC_TLS_KEY_FILE`), and
 * mTLS — client certificates required and verified against the CA — when `GRPC_TLS_CLIENT_CA_FILE` is set.
 *
 * Why read here: the files are PEM read once at start; a file that cannot be read fails start-up with a
 * {@link ConfigError} naming the env var, and a key that does not belong to its certificate fails at bind.
 */
export function createServerCredentials(tls: GrpcConfig["tls"]): ServerCredentials {
  if (tls.certFile === undefined || tls.keyFile === undefined) return ServerCredentials.createInsecure();
  const certChain = readPem("certFile", tls.certFile);
  const privateKey = readPem("keyFile", tls.keyFile);
  const clientCa = tls.clientCaFile === undefined ? null : readPem("clientCaFile", tls.clientCaFile);
  return ServerCredentials.createSsl(clientCa, [{ cert_chain: certChain, private_key: privateKey }], clientCa !== null);
}

function readPem(field: keyof typeof envNames, path: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    throw new ConfigError(
      [
        {
          key: `env ${envNames[field]} (grpc.tls.${field})`,
          reason: `cannot read ${path}: ${(error as Error).message}`,
        },
      ],
      { cause: error },
    );
  }
  if (!pem.toString("latin1").includes("-----BEGIN ")) {
    throw new ConfigError([{ key: `env ${envNames[field]} (grpc.tls.${field})`, reason: `${path} is not a PEM file` }]);
  }
  return pem;
}
