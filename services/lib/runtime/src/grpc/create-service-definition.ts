import {
  create,
  type DescMessage,
  type DescService,
  fromBinary,
  type MessageShape,
  toBinary,
} from "@bufbuild/protobuf";
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
import { RequestDecodeError } from "./request-decode-error.ts";

/** Options of {@link createServiceDefinition}. */
export interface ServiceDefinitionOptions {
  /**
   * When true (what {@link GrpcServer} uses), a request that fails to decode is delivered to the handler
   * as a {@link RequestDecodeError} instead of throwing inside @grpc/grpc-js, so the call can fail with
   * INVALID_ARGUMENT rather than INTERNAL. Leave false for clients.
   */
  readonly deferRequestDecodeErrors?: boolean;
}

/**
 * Builds a `@grpc/grpc-js` ServiceDefinition from a protobuf-es v2 service descriptor.
 *
 * Why: there is no published glue between protobuf-es v2 and @grpc/grpc-js. Each method's path is
 * `/${service.typeName}/${method.name}`, messages are (de)serialized with `toBinary`/`fromBinary`, and
 * the stream flags follow `methodKind`. Keys are the methods' `localName` (`getEstimate`), so
 * `makeGenericClientConstructor(definition)` yields a client with camel-case methods. Responses may be
 * given as init objects; they are completed with `create` before encoding.
 */
export function createServiceDefinition(
  service: DescService,
  options: ServiceDefinitionOptions = {},
): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    const input = method.input;
    const output = method.output;
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      originalName: method.name,
      requestStream: method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
      responseStream: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
      requestSerialize: (message: unknown) => Buffer.from(encode(input, message)),
      requestDeserialize: options.deferRequestDecodeErrors
        ? (bytes: Buffer) => decodeOrError(input, bytes)
        : (bytes: Buffer) => fromBinary(input, bytes),
      responseSerialize: (message: unknown) => Buffer.from(encode(output, message)),
      responseDeserialize: (bytes: Buffer) => fromBinary(output, bytes),
    };
  }
  return definition;
}

function encode(schema: DescMessage, message: unknown): Uint8Array {
  const full =
    typeof message === "object" &&
    message !== null &&
    (message as { $typeName?: unknown }).$typeName === schema.typeName
      ? (message as MessageShape<DescMessage>)
      : create(schema, message as Record<string, unknown>);
  return toBinary(schema, full);
}

function decodeOrError(schema: DescMessage, bytes: Uint8Array): MessageShape<DescMessage> | RequestDecodeError {
  try {
    return fromBinary(schema, bytes);
  } catch (error) {
    return new RequestDecodeError(schema.typeName, error);
  }
}
