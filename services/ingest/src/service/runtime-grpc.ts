/**
 * The gRPC part of @twinstate/runtime, re-exported from the package entry point (no deep import any more).
 *
 * Why this file still exists: the ingest integration tests (test/grpc.int.test.ts, test/contracts-topic.int.test.ts)
 * import `createServiceDefinition` from here; once they import it from `@twinstate/runtime`, delete this file.
 * The service's own code imports `@twinstate/runtime` directly.
 */
export { type CallContext, createServiceDefinition, GrpcServer, type ServiceImplementation } from "@twinstate/runtime";
