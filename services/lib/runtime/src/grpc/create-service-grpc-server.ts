import type { GrpcConfig } from "../config/base-config-schema.ts";
import type { Lifecycle } from "../lifecycle/lifecycle.ts";
import type { Logger } from "../logging/create-logger.ts";
import { type GrpcSecurity, grpcSecurityFromConfig } from "./grpc-security-from-config.ts";
import { GrpcServer } from "./grpc-server.ts";

/** What {@link createServiceGrpcServer} needs from a service's wiring. */
export interface ServiceGrpcServerOptions {
  /** The service's validated `grpc` configuration (port, TLS, authentication). */
  readonly grpc: GrpcConfig;
  /** Drain time for in-flight calls on shutdown. */
  readonly graceMs: number;
  readonly logger: Logger;
  /** The service lifecycle; the server is registered as its `grpc-server` hook. */
  readonly lifecycle: Lifecycle;
  /** Name used in the "listening" log line, e.g. "TwinService". */
  readonly name: string;
}

/**
 * A service's gRPC server: TLS/mTLS and bearer-token authentication from configuration, failed calls logged,
 * started (and marked ready) and drained by the lifecycle.
 *
 * Why one helper: every service wires its server the same way, and a bad security setting (a missing token
 * file, a key without a certificate) must stop the process at start with a fatal log naming the key, the same
 * way in each. Services only add their handlers with `addService`.
 */
export function createServiceGrpcServer(options: ServiceGrpcServerOptions): GrpcServer {
  const { logger } = options;
  let security: GrpcSecurity;
  try {
    security = grpcSecurityFromConfig(options.grpc, logger);
  } catch (error) {
    logger.fatal({ err: error }, "gRPC security configuration is invalid");
    logger.flush(() => process.exit(1));
    throw error;
  }
  const server = new GrpcServer({
    port: options.grpc.port,
    ...security,
    shutdownTimeoutMs: options.graceMs,
    onCallError: (error, method) => logger.warn({ err: error, method: method.name }, "gRPC call failed"),
  });
  options.lifecycle.register("grpc-server", {
    start: async () => {
      const port = await server.start();
      server.setReady(true);
      logger.info({ port }, `${options.name} listening`);
    },
    stop: () => server.shutdown().then(() => {}),
  });
  return server;
}
