/**
 * The gRPC part of @twinstate/runtime, re-exported for the alerting service.
 *
 * Why this file: the runtime package index does not (yet) re-export its `src/grpc` folder; this is the one
 * place alerting reaches into it, so switching to `@twinstate/runtime` is a one-line change once it does.
 */
export {
  type CallContext,
  createServiceDefinition,
  GrpcServer,
  type ServiceImplementation,
} from "../../../lib/runtime/src/grpc/index.ts";
