// gRPC part of @twinstate/runtime: protobuf-es services on @grpc/grpc-js with health and reflection.

export { createReflectionService, withDependencies } from "./create-reflection-service.ts";
export { createServerCredentials } from "./create-server-credentials.ts";
export { createServiceDefinition, type ServiceDefinitionOptions } from "./create-service-definition.ts";
export { createServiceGrpcServer, type ServiceGrpcServerOptions } from "./create-service-grpc-server.ts";
export {
  type CallErrorListener,
  createServiceHandlers,
} from "./create-service-handlers.ts";
export { type GrpcSecurity, grpcSecurityFromConfig } from "./grpc-security-from-config.ts";
export { GrpcServer, type GrpcServerOptions, overallHealth } from "./grpc-server.ts";
export { errorCodeTrailer, type GrpcErrorStatus, grpcStatusFromError } from "./grpc-status-from-error.ts";
export { RequestDecodeError } from "./request-decode-error.ts";
export type {
  BidiStreamingHandler,
  CallContext,
  ClientStreamingHandler,
  MethodHandler,
  ServerStreamingHandler,
  ServiceImplementation,
  UnaryHandler,
} from "./service-implementation.ts";
