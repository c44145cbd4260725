import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, test } from "@jest/globals";
import {
  GetEstimateRequestSchema,
  IngestService,
  type StreamEstimatesResponse,
  TwinService,
  twinstateServices,
} from "@twinstate/proto";
import { createServiceDefinition } from "../../src/grpc/create-service-definition.ts";
import { createServiceHandlers } from "../../src/grpc/create-service-handlers.ts";
import { RequestDecodeError } from "../../src/grpc/request-decode-error.ts";

describe("createServiceDefinition", () => {
  test("paths, names and stream flags follow the descriptor for every twinstate method", () => {
    for (const service of twinstateServices) {
      const definition = createServiceDefinition(service);
      expect(Object.keys(definition)).toEqual(service.methods.map((method) => method.localName));
      for (const method of service.methods) {
        const entry = definition[method.localName];
        expect(entry.path).toBe(`/${service.typeName}/${method.name}`);
        expect(entry.originalName).toBe(method.name);
        expect(entry.requestStream).toBe(
          method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
        );
        expect(entry.responseStream).toBe(
          method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
        );
      }
    }
    const twin = createServiceDefinition(TwinService);
    expect(twin.streamEstimates.responseStream).toBe(true);
    expect(createServiceDefinition(IngestService).publishStream.requestStream).toBe(true);
  });

  test("messages and init objects serialize to the same protobuf bytes and decode back", () => {
    const { getEstimate, streamEstimates } = createServiceDefinition(TwinService);
    const message = create(GetEstimateRequestSchema, { tenant: "acme", asset: "pump-1" });
    const bytes = getEstimate.requestSerialize(message);
    expect(new Uint8Array(bytes)).toEqual(toBinary(GetEstimateRequestSchema, message));
    expect(getEstimate.requestSerialize({ tenant: "acme", asset: "pump-1" })).toEqual(bytes);
    expect(getEstimate.requestDeserialize(bytes)).toEqual(message);
    const response = streamEstimates.responseDeserialize(
      streamEstimates.responseSerialize({ estimate: { sequence: 42n, mean: [0.25] } }),
    ) as StreamEstimatesResponse;
    expect(response.estimate?.sequence).toBe(42n);
    expect(response.estimate?.mean).toEqual([0.25]);
  });

  test("undecodable requests throw by default and become a RequestDecodeError when deferred", () => {
    const truncated = Buffer.from([0x0a, 0x05, 0x61]);
    expect(() => createServiceDefinition(TwinService).getEstimate.requestDeserialize(truncated)).toThrow();
    const deferred = createServiceDefinition(TwinService, { deferRequestDecodeErrors: true });
    const result = deferred.getEstimate.requestDeserialize(truncated);
    expect(result).toBeInstanceOf(RequestDecodeError);
    expect((result as RequestDecodeError).message).toContain("twinstate.twin.v1.GetEstimateRequest");
  });
});

describe("createServiceHandlers", () => {
  test("gives every method a handler, and rejects implementations of methods the service lacks", () => {
    const handlers = createServiceHandlers(TwinService, { getEstimate: () => ({}) });
    expect(Object.keys(handlers).sort()).toEqual(TwinService.methods.map((method) => method.localName).sort());
    expect(() => createServiceHandlers(TwinService, { getEstimates: () => ({}) })).toThrow(
      'twinstate.twin.v1.TwinService has no method "getEstimates"',
    );
  });
});
