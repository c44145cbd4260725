import type { DescFile, DescService } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import { type ChannelOptions, Server, ServerCredentials } from "@grpc/grpc-js";
import { HealthImplementation, type ServingStatus } from "grpc-health-check";
import type { Authenticator } from "../auth/authenticator.ts";
import { LifecycleStateError } from "../errors/lifecycle-state-error.ts";
import { StartupError } from "../errors/startup-error.ts";
import { createReflectionService } from "./create-reflection-service.ts";
import { createServiceDefinition } from "./create-service-definition.ts";
import { type CallErrorListener, createServiceHandlers } from "./create-service-handlers.ts";
import type { ServiceImplementation } from "./service-implementation.ts";

/** Options of {@link GrpcServer}. */
export interface GrpcServerOptions {
  /** Interface to bind; default `0.0.0.0`. Use `127.0.0.1` in tests. */
  readonly host?: string;
  /** Port to bind; 0 picks a free port, read it from {@link GrpcServer.port} after start. */
  readonly port: number;
  /**
   * Transport credentials; default insecure (plain text). Services pass `grpcSecurityFromConfig(…).credentials`
   * (TLS/mTLS from `GRPC_TLS_*`).
   */
  readonly credentials?: ServerCredentials;
  /**
   * Authenticates every call of the registered services (not health or reflection) from its metadata before
   * the handler runs; the result is `context.principal`. Services pass `grpcSecurityFromConfig(…).authenticator`.
   * Default: none — every caller is the development principal (all tenants), as with `GRPC_AUTH_MODE=disabled`.
   */
  readonly authenticator?: Authenticator;
  /** Grace period of {@link GrpcServer.shutdown} before open calls are cancelled; default 10 000 ms. */
  readonly shutdownTimeoutMs?: number;
  /** @grpc/grpc-js channel options (e.g. `grpc.max_receive_message_length`). */
  readonly channelOptions?: ChannelOptions;
  /** Sees every error a handler throws, before it becomes a status (log it, count it). */
  readonly onCallError?: CallErrorListener;
  /** Files to expose through reflection besides those of the registered services (e.g. message-only files). */
  readonly reflectionFiles?: readonly DescFile[];
}

/** Name of the overall server health entry in grpc.health.v1 (the empty service name). */
export const overallHealth = "";

/**
 * A @grpc/grpc-js server for protobuf-es services that always serves grpc.health.v1.Health
 * (Check and Watch) and server reflection (v1 and v1alpha).
 *
 * Why: every twinstate service exposes the same operational surface — Kubernetes gRPC probes and load
 * balancers read health, `grpcurl list/describe` needs reflection — so it lives here once. Health
 * starts NOT_SERVING for the server ("") and every registered service; the service's lifecycle calls
 * {@link setReady} when it can take traffic (e.g. after the Kafka seam connected) and shutdown flips it
 * back before draining. Shutdown is graceful (`tryShutdown`) with a timeout, then forced.
 */
export class GrpcServer {
  readonly #options: GrpcServerOptions;
  readonly #server: Server;
  readonly #health = new HealthImplementation();
  readonly #services: DescService[] = [];
  #state: "new" | "starting" | "started" | "stopped" = "new";
  #port = 0;
  #ready = false;

  constructor(options: GrpcServerOptions) {
    this.#options = options;
    this.#server = new Server(options.channelOptions);
  }

  /**
   * Registers a service with a (possibly partial) implementation; methods left out answer UNIMPLEMENTED.
   * Only before {@link start}.
   */
  addService<S extends GenService<GenServiceMethods>>(service: S, implementation: ServiceImplementation<S>): this {
    if (this.#state !== "new") throw new LifecycleStateError(`cannot add ${service.typeName} after the server started`);
    const descriptor = service as unknown as DescService;
    if (this.#services.some((s) => s.typeName === descriptor.typeName)) {
      throw new LifecycleStateError(`${descriptor.typeName} is already registered`);
    }
    this.#server.addService(
      createServiceDefinition(descriptor, { deferRequestDecodeErrors: true }),
      createServiceHandlers(
        descriptor,
        implementation as unknown as Parameters<typeof createServiceHandlers>[1],
        this.#options.onCallError,
        this.#options.authenticator,
      ),
    );
    this.#services.push(descriptor);
    return this;
  }

  /** Binds the address, registers health and reflection, and starts serving. Resolves to the bound port. */
  async start(): Promise<number> {
    if (this.#state !== "new") throw new LifecycleStateError(`cannot start a gRPC server that is ${this.#state}`);
    this.#state = "starting";
    this.#health.addToServer(this.#server);
    createReflectionService([
      ...this.#services.map((service) => service.file),
      ...(this.#options.reflectionFiles ?? []),
    ]).addToServer(this.#server);
    this.#applyReadiness();
    const host = this.#options.host ?? "0.0.0.0";
    const address = `${host.includes(":") ? `[${host}]` : host}:${this.#options.port}`;
    const credentials = this.#options.credentials ?? ServerCredentials.createInsecure();
    try {
      this.#port = await new Promise<number>((resolve, reject) => {
        this.#server.bindAsync(address, credentials, (error, port) => (error ? reject(error) : resolve(port)));
      });
    } catch (error) {
      this.#state = "stopped";
      throw new StartupError(`grpc bind ${address}`, error);
    }
    this.#state = "started";
    return this.#port;
  }

  /** The bound port (the actual one when started with port 0); 0 before {@link start}. */
  get port(): number {
    return this.#port;
  }

  /** The fully qualified names of the registered services (e.g. `twinstate.twin.v1.TwinService`). */
  get serviceNames(): readonly string[] {
    return this.#services.map((service) => service.typeName);
  }

  /**
   * Sets health to SERVING (ready) or NOT_SERVING for the server ("") and every registered service.
   * Call it from the lifecycle's readiness, so gRPC health agrees with `/readyz`.
   */
  setReady(ready: boolean): void {
    this.#ready = ready;
    this.#applyReadiness();
  }

  /** Sets one health entry (a service's full name, or "" for the server); Watch callers are notified. */
  setServingStatus(service: string, status: ServingStatus): void {
    this.#health.setStatus(service, status);
  }

  /**
   * Stops accepting calls and drains: health goes NOT_SERVING, open calls get `timeoutMs` (default the
   * option `shutdownTimeoutMs`, else 10 s) to finish, then are cancelled. Resolves `{ forced }`, true when
   * the grace period ran out. Safe to call more than once and before start.
   */
  async shutdown(timeoutMs = this.#options.shutdownTimeoutMs ?? 10_000): Promise<{ forced: boolean }> {
    if (this.#state === "stopped") return { forced: false };
    this.#state = "stopped";
    this.setReady(false);
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<boolean>((resolve) => this.#server.tryShutdown(() => resolve(true)));
    const expired = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const graceful = await Promise.race([drained, expired]);
    clearTimeout(timer);
    if (!graceful) this.#server.forceShutdown();
    return { forced: !graceful };
  }

  #applyReadiness(): void {
    const status: ServingStatus = this.#ready ? "SERVING" : "NOT_SERVING";
    this.#health.setStatus(overallHealth, status);
    for (const service of this.#services) this.#health.setStatus(service.typeName, status);
  }
}
