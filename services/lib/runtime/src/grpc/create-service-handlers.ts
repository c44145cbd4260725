import { once } from "node:events";
import { create, type DescMessage, type DescMethod, type DescService, type MessageShape } from "@bufbuild/protobuf";
import {
  type handleBidiStreamingCall,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  Metadata,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  status,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { Authenticator } from "../auth/authenticator.ts";
import { developmentPrincipal } from "../auth/disabled-authenticator.ts";
import { type Principal, requireTenant } from "../auth/principal.ts";
import { grpcStatusFromError } from "./grpc-status-from-error.ts";
import { RequestDecodeError } from "./request-decode-error.ts";
import type {
  BidiStreamingHandler,
  CallContext,
  ClientStreamingHandler,
  ServerStreamingHandler,
  UnaryHandler,
} from "./service-implementation.ts";

/** Called with every error a handler throws (before it is mapped to a status), for logging and metrics. */
export type CallErrorListener = (error: unknown, method: DescMethod) => void;

type AnyHandler = (input: never, context: CallContext) => unknown;

/**
 * Turns a typed, possibly partial implementation into `@grpc/grpc-js` handlers for
 * {@link createServiceDefinition}`(service, { deferRequestDecodeErrors: true })`.
 *
 * Why: every method of the descriptor gets a handler, so a method left out answers UNIMPLEMENTED
 * (naming the method); thrown errors become their gRPC status through {@link grpcStatusFromError};
 * undecodable requests become INVALID_ARGUMENT; response init objects are completed with `create`;
 * server streams respect back-pressure and stop when the client cancels. With an `authenticator`, every call
 * is authenticated from its metadata before the handler runs (streams at their start) and fails
 * UNAUTHENTICATED without reaching the handler; without one, the caller is the development principal.
 */
export function createServiceHandlers(
  service: DescService,
  implementation: Readonly<Record<string, AnyHandler | undefined>>,
  onCallError: CallErrorListener = () => {},
  authenticator?: Authenticator,
): UntypedServiceImplementation {
  const known = new Set(service.methods.map((method) => method.localName));
  for (const key of Object.keys(implementation)) {
    if (!known.has(key)) throw new TypeError(`${service.typeName} has no method "${key}"`);
  }
  const handlers: UntypedServiceImplementation = {};
  const authenticate = (metadata: Metadata): Principal =>
    authenticator === undefined ? developmentPrincipal : authenticator.authenticate(metadata);
  for (const method of service.methods) {
    const handler = implementation[method.localName];
    const fail = (error: unknown) => {
      onCallError(error, method);
      return grpcStatusFromError(error);
    };
    if (handler === undefined) {
      handlers[method.localName] = unimplemented(service, method);
      continue;
    }
    switch (method.methodKind) {
      case "unary":
        handlers[method.localName] = unary(
          method,
          handler as unknown as UnaryHandler<DescMessage, DescMessage>,
          fail,
          authenticate,
        );
        break;
      case "server_streaming":
        handlers[method.localName] = serverStreaming(
          method,
          handler as unknown as ServerStreamingHandler<DescMessage, DescMessage>,
          fail,
          authenticate,
        );
        break;
      case "client_streaming":
        handlers[method.localName] = clientStreaming(
          method,
          handler as unknown as ClientStreamingHandler<DescMessage, DescMessage>,
          fail,
          authenticate,
        );
        break;
      case "bidi_streaming":
        handlers[method.localName] = bidiStreaming(
          method,
          handler as unknown as BidiStreamingHandler<DescMessage, DescMessage>,
          fail,
          authenticate,
        );
        break;
    }
  }
  return handlers;
}

type Fail = (error: unknown) => ReturnType<typeof grpcStatusFromError>;
type Authenticate = (metadata: Metadata) => Principal;

type AnyCall =
  | ServerUnaryCall<unknown, unknown>
  | ServerWritableStream<unknown, unknown>
  | ServerReadableStream<unknown, unknown>
  | ServerDuplexStream<unknown, unknown>;

/** The call's context, or the authentication error that must fail the call before its handler runs. */
type Started =
  | { readonly ok: true; readonly context: CallContext }
  | { readonly ok: false; readonly rejected: unknown };

function contextOf(method: DescMethod, call: AnyCall, authenticate: Authenticate): Started {
  let principal: Principal;
  try {
    principal = authenticate(call.metadata);
  } catch (error) {
    return { ok: false, rejected: error };
  }
  const controller = new AbortController();
  const abort = () => controller.abort(new Error(`${method.parent.typeName}/${method.name} cancelled by the client`));
  if (call.cancelled) abort();
  else (call as NodeJS.EventEmitter).once("cancelled", abort);
  return {
    ok: true,
    context: {
      method,
      metadata: call.metadata,
      peer: call.getPeer(),
      deadline: call.getDeadline(),
      signal: controller.signal,
      principal,
      requireTenant: (tenant, role) => requireTenant(principal, tenant, role),
    },
  };
}

function requestOf(message: unknown): MessageShape<DescMessage> {
  if (message instanceof RequestDecodeError) throw message;
  return message as MessageShape<DescMessage>;
}

async function* requestsOf(call: ServerReadableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>) {
  for await (const message of call) yield requestOf(message);
}

function unimplemented(service: DescService, method: DescMethod) {
  const details = `${service.typeName}/${method.name} is not served by this server (UNIMPLEMENTED)`;
  const error = { code: status.UNIMPLEMENTED, details, metadata: new Metadata() };
  switch (method.methodKind) {
    case "unary":
    case "client_streaming":
      return ((_call: unknown, callback: (e: typeof error) => void) => callback(error)) as handleUnaryCall<
        unknown,
        unknown
      >;
    default:
      return ((call: ServerWritableStream<unknown, unknown>) => {
        call.emit("error", error);
      }) as handleServerStreamingCall<unknown, unknown>;
  }
}

function unary(
  method: DescMethod,
  handler: UnaryHandler<DescMessage, DescMessage>,
  fail: Fail,
  authenticate: Authenticate,
): handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    const started = contextOf(method, call, authenticate);
    if (!started.ok) return callback(fail(started.rejected));
    const { context } = started;
    Promise.resolve()
      .then(() => handler(requestOf(call.request), context))
      .then(
        (response) => callback(null, create(method.output, response)),
        (error: unknown) => callback(fail(error)),
      );
  };
}

function clientStreaming(
  method: DescMethod,
  handler: ClientStreamingHandler<DescMessage, DescMessage>,
  fail: Fail,
  authenticate: Authenticate,
): handleClientStreamingCall<unknown, unknown> {
  return (call, callback) => {
    const started = contextOf(method, call, authenticate);
    if (!started.ok) return callback(fail(started.rejected));
    const { context } = started;
    Promise.resolve()
      .then(() => handler(requestsOf(call), context))
      .then(
        (response) => callback(null, create(method.output, response)),
        (error: unknown) => callback(fail(error)),
      );
  };
}

async function writeAll(
  method: DescMethod,
  call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>,
  responses: AsyncIterable<unknown>,
  context: CallContext,
  fail: Fail,
): Promise<void> {
  try {
    for await (const response of responses) {
      if (context.signal.aborted) return;
      if (!call.write(create(method.output, response as Record<string, unknown>))) {
        await once(call, "drain", { signal: context.signal });
      }
    }
    call.end();
  } catch (error) {
    if (context.signal.aborted) return;
    call.emit("error", fail(error));
  }
}

function serverStreaming(
  method: DescMethod,
  handler: ServerStreamingHandler<DescMessage, DescMessage>,
  fail: Fail,
  authenticate: Authenticate,
): handleServerStreamingCall<unknown, unknown> {
  return (call) => {
    const started = contextOf(method, call, authenticate);
    if (!started.ok) return void call.emit("error", fail(started.rejected));
    const { context } = started;
    const responses = (async function* () {
      yield* handler(requestOf(call.request), context);
    })();
    void writeAll(method, call, responses, context, fail);
  };
}

function bidiStreaming(
  method: DescMethod,
  handler: BidiStreamingHandler<DescMessage, DescMessage>,
  fail: Fail,
  authenticate: Authenticate,
): handleBidiStreamingCall<unknown, unknown> {
  return (call) => {
    const started = contextOf(method, call, authenticate);
    if (!started.ok) return void call.emit("error", fail(started.rejected));
    const { context } = started;
    const responses = (async function* () {
      yield* handler(requestsOf(call), context);
    })();
    void writeAll(method, call, responses, context, fail);
  };
}
