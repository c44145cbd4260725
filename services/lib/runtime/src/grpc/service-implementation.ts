import type { DescMessage, DescMethod, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import type { Deadline, Metadata } from "@grpc/grpc-js";
import type { Principal } from "../auth/principal.ts";
import type { Role } from "../auth/role.ts";

/** What a handler knows about the call it serves. */
export interface CallContext {
  /** The method being called. */
  readonly method: DescMethod;
  /** Request metadata (headers), e.g. `authorization` and `traceparent`. */
  readonly metadata: Metadata;
  /** The peer address as gRPC reports it (e.g. `ipv4:127.0.0.1:53122`). */
  readonly peer: string;
  /** The call's deadline (`Infinity` when the client set none). */
  readonly deadline: Deadline;
  /** Aborted when the client cancels or the deadline passes; pass it to I/O so work stops early. */
  readonly signal: AbortSignal;
  /**
   * The authenticated caller (from its bearer token, checked before the handler runs — at the start of a
   * stream). Filter what a query returns with `principalAllows(context.principal, tenant, "read")`.
   */
  readonly principal: Principal;
  /**
   * Throws `PermissionDeniedError` (PERMISSION_DENIED) unless the caller may act on `tenant` with `role`.
   * Call it with the tenant of whatever the handler reads or writes (invariant 5: isolation).
   */
  requireTenant(tenant: string, role: Role): void;
}

/** Unary: one request, one response. */
export type UnaryHandler<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  context: CallContext,
) => Promise<MessageInitShape<O>> | MessageInitShape<O>;

/** Server streaming: one request, responses yielded one by one (the call ends when the iterable ends). */
export type ServerStreamingHandler<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  context: CallContext,
) => AsyncIterable<MessageInitShape<O>>;

/** Client streaming: requests iterated until the client half-closes, then one response. */
export type ClientStreamingHandler<I extends DescMessage, O extends DescMessage> = (
  requests: AsyncIterable<MessageShape<I>>,
  context: CallContext,
) => Promise<MessageInitShape<O>>;

/** Bidirectional streaming: requests iterated, responses yielded. */
export type BidiStreamingHandler<I extends DescMessage, O extends DescMessage> = (
  requests: AsyncIterable<MessageShape<I>>,
  context: CallContext,
) => AsyncIterable<MessageInitShape<O>>;

/** The handler type of one method, chosen by its `methodKind`. */
export type MethodHandler<M> = M extends { methodKind: "unary"; input: infer I; output: infer O }
  ? I extends DescMessage
    ? O extends DescMessage
      ? UnaryHandler<I, O>
      : never
    : never
  : M extends { methodKind: "server_streaming"; input: infer I; output: infer O }
    ? I extends DescMessage
      ? O extends DescMessage
        ? ServerStreamingHandler<I, O>
        : never
      : never
    : M extends { methodKind: "client_streaming"; input: infer I; output: infer O }
      ? I extends DescMessage
        ? O extends DescMessage
          ? ClientStreamingHandler<I, O>
          : never
        : never
      : M extends { methodKind: "bidi_streaming"; input: infer I; output: infer O }
        ? I extends DescMessage
          ? O extends DescMessage
            ? BidiStreamingHandler<I, O>
            : never
          : never
        : never;

/**
 * A (possibly partial) implementation of a generated service: handlers keyed by the methods'
 * `localName` (`getEstimate`, `publishStream`), typed from the generated descriptor.
 *
 * Why partial: a service that does not (yet) serve a method simply leaves it out and callers get
 * UNIMPLEMENTED, which is the honest gRPC answer, instead of a stub.
 */
export type ServiceImplementation<S extends GenService<GenServiceMethods>> = {
  readonly [K in keyof S["method"]]?: MethodHandler<S["method"][K]>;
};
