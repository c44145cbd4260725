import type { GrpcConfig } from "../config/base-config-schema.ts";
import { ConfigError } from "../errors/config-error.ts";
import type { Logger } from "../logging/create-logger.ts";
import type { Authenticator } from "./authenticator.ts";
import { disabledAuthenticator } from "./disabled-authenticator.ts";
import { TokenAuthenticator } from "./token-authenticator.ts";

/**
 * Builds the gRPC authenticator the configuration asks for (`GRPC_AUTH_MODE`, `GRPC_AUTH_TOKENS_FILE`).
 *
 * Why here and not in the schema: only services that authenticate call this, so `tokens` mode without a file is
 * an error (a {@link ConfigError} naming `env GRPC_AUTH_TOKENS_FILE`) for them alone. `disabled` logs a warning
 * at every start, because every caller then acts with access to every tenant.
 */
export function createAuthenticator(auth: GrpcConfig["auth"], logger: Logger): Authenticator {
  if (auth.mode === "disabled") {
    logger.warn(
      { grpcAuthMode: "disabled" },
      "gRPC AUTHENTICATION IS DISABLED (GRPC_AUTH_MODE=disabled): every caller acts as admin of ALL tenants. Local development only; set GRPC_AUTH_MODE=tokens and GRPC_AUTH_TOKENS_FILE in any shared environment.",
    );
    return disabledAuthenticator;
  }
  if (auth.tokensFile === undefined) {
    throw new ConfigError([
      {
        key: "env GRPC_AUTH_TOKENS_FILE (grpc.auth.tokensFile)",
        reason:
          "required when GRPC_AUTH_MODE is tokens (the default); set GRPC_AUTH_MODE=disabled for local development",
      },
    ]);
  }
  const authenticator = TokenAuthenticator.fromFile(auth.tokensFile);
  logger.info(
    { grpcAuthMode: "tokens", tokensFile: auth.tokensFile, tokens: authenticator.size },
    "gRPC bearer tokens loaded",
  );
  return authenticator;
}
