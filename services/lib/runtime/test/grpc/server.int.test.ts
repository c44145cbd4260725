import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { create, createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { type FileDescriptorProto, FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  AlertService,
  DriftService,
  EstimateStatus,
  type GetEstimateResponse,
  IngestService,
  type PublishStreamResponse,
  type StreamEstimatesResponse,
  TwinService,
} from "@twinstate/proto";
import { service as healthService } from "grpc-health-check";
import { NotFoundError } from "../../src/errors/not-found-error.ts";
import { createServiceDefinition } from "../../src/grpc/create-service-definition.ts";
import { GrpcServer } from "../../src/grpc/grpc-server.ts";
import { errorCodeTrailer } from "../../src/grpc/grpc-status-from-error.ts";

// A real server on 127.0.0.1:0 with real @grpc/grpc-js clients: health, reflection (v1 and
// v1alpha), UNIMPLEMENTED for missing methods, typed errors, malformed requests and streaming.

const require = createRequire(import.meta.url);
const reflectionProtoDir = join(dirname(require.resolve("@grpc/reflection")), "../proto");

type Unary<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  callback: (error: grpc.ServiceError | null, response?: Res) => void,
) => grpc.ClientUnaryCall;

let server: GrpcServer;
let address: string;
const callErrors: unknown[] = [];

function clientFor(definition: grpc.ServiceDefinition): grpc.Client & Record<string, unknown> {
  const Client = grpc.makeGenericClientConstructor(definition, "test");
  return new Client(address, grpc.credentials.createInsecure()) as grpc.Client & Record<string, unknown>;
}

function unary<Req, Res>(client: grpc.Client & Record<string, unknown>, method: string, request: Req) {
  const call = (client[method] as Unary<Req, Res>).bind(client);
  return new Promise<{ error: grpc.ServiceError | null; response: Res | undefined }>((resolve) => {
    call(request, new grpc.Metadata(), (error, response) => resolve({ error, response }));
  });
}

// Orders files so each comes after its imports; fails the test when an import is missing from the answer.
// (createFileRegistry's resolver variant can mis-order shared imports, so the set variant is used.)
function dependenciesFirst(files: FileDescriptorProto[]): FileDescriptorProto[] {
  const byName = new Map(files.map((file) => [file.name, file]));
  const ordered: FileDescriptorProto[] = [];
  const visit = (file: FileDescriptorProto): void => {
    if (ordered.includes(file)) return;
    for (const name of file.dependency) {
      const dependency = byName.get(name);
      if (dependency === undefined) throw new Error(`reflection answer lacks ${name}, imported by ${file.name}`);
      visit(dependency);
    }
    ordered.push(file);
  };
  files.forEach(visit);
  return ordered;
}

beforeAll(async () => {
  server = new GrpcServer({ host: "127.0.0.1", port: 0, onCallError: (error) => callErrors.push(error) });
  server.addService(TwinService, {
    getEstimate: (request) => {
      if (request.asset === "missing") throw new NotFoundError(`asset ${request.tenant}/${request.asset} has no twin`);
      if (request.asset === "boom") throw new Error("secret internal detail");
      return {
        estimate: { tenant: request.tenant, asset: request.asset, mean: [1.5, -2], status: EstimateStatus.OK },
      };
    },
    async *streamEstimates(request) {
      for (let sequence = 1n; sequence <= 3n; sequence++) {
        yield { estimate: { tenant: request.tenant, asset: request.asset, sequence } };
      }
    },
  });
  server.addService(IngestService, {
    publishStream: async (requests) => {
      let accepted = 0n;
      for await (const batch of requests) accepted += BigInt(batch.readings.length);
      return { acceptedCount: accepted };
    },
  });
  server.addService(DriftService, {});
  server.addService(AlertService, {});
  const port = await server.start();
  expect(port).toBeGreaterThan(0);
  expect(server.port).toBe(port);
  address = `127.0.0.1:${port}`;
  server.setReady(true);
});

afterAll(async () => {
  await server?.shutdown(2000);
});

describe("GrpcServer health (grpc.health.v1.Health)", () => {
  test("Check answers SERVING when ready and NOT_SERVING after it is set", async () => {
    const health = clientFor(healthService as unknown as grpc.ServiceDefinition);
    const check = (service: string) => unary<{ service: string }, { status: string }>(health, "Check", { service });
    expect((await check("")).response?.status).toBe("SERVING");
    expect((await check("twinstate.twin.v1.TwinService")).response?.status).toBe("SERVING");
    server.setServingStatus("twinstate.twin.v1.TwinService", "NOT_SERVING");
    expect((await check("twinstate.twin.v1.TwinService")).response?.status).toBe("NOT_SERVING");
    expect((await check("")).response?.status).toBe("SERVING");
    server.setReady(false);
    expect((await check("")).response?.status).toBe("NOT_SERVING");
    server.setReady(true);
    expect((await check("twinstate.twin.v1.TwinService")).response?.status).toBe("SERVING");
    expect((await check("no.such.Service")).error?.code).toBe(grpc.status.NOT_FOUND);
    health.close();
  });

  test("Watch streams the current status and then every change", async () => {
    const health = clientFor(healthService as unknown as grpc.ServiceDefinition);
    const call = (health.Watch as (r: { service: string }) => grpc.ClientReadableStream<{ status: string }>).call(
      health,
      { service: "twinstate.drift.v1.DriftService" },
    );
    const seen: string[] = [];
    const twoSeen = new Promise<void>((resolve) => {
      call.on("data", (message: { status: string }) => {
        seen.push(message.status);
        if (seen.length === 1) server.setServingStatus("twinstate.drift.v1.DriftService", "NOT_SERVING");
        if (seen.length === 2) resolve();
      });
    });
    call.on("error", () => {});
    await twoSeen;
    expect(seen).toEqual(["SERVING", "NOT_SERVING"]);
    call.cancel();
    server.setServingStatus("twinstate.drift.v1.DriftService", "SERVING");
    health.close();
  });
});

describe("GrpcServer reflection", () => {
  for (const version of ["v1", "v1alpha"] as const) {
    test(`${version}: lists the four twinstate services and health, and serves TwinService's file with its imports`, async () => {
      const pkg = grpc.loadPackageDefinition(
        loadSync(`grpc/reflection/${version}/reflection.proto`, { includeDirs: [reflectionProtoDir], keepCase: true }),
      ) as unknown as {
        grpc: { reflection: Record<string, { ServerReflection: grpc.ServiceClientConstructor }> };
      };
      const Client = pkg.grpc.reflection[version].ServerReflection;
      const client = new Client(address, grpc.credentials.createInsecure());
      type Response = {
        list_services_response?: { service: { name: string }[] };
        file_descriptor_response?: { file_descriptor_proto: Buffer[] };
        error_response?: { error_code: number };
      };
      const stream = (client.ServerReflectionInfo as () => grpc.ClientDuplexStream<object, Response>).call(client);
      const responses: Response[] = [];
      const done = new Promise<void>((resolve, reject) => {
        stream.on("data", (response: Response) => responses.push(response));
        stream.on("end", resolve);
        stream.on("error", reject);
      });
      stream.write({ list_services: "*" });
      stream.write({ file_containing_symbol: "twinstate.twin.v1.TwinService" });
      stream.write({ file_containing_symbol: "no.such.Symbol" });
      stream.write({ file_containing_symbol: "grpc.health.v1.Health" });
      stream.end();
      await done;
      client.close();

      const names = responses[0].list_services_response?.service.map((s) => s.name) ?? [];
      expect(names).toEqual(
        expect.arrayContaining([
          "twinstate.telemetry.v1.IngestService",
          "twinstate.twin.v1.TwinService",
          "twinstate.drift.v1.DriftService",
          "twinstate.alert.v1.AlertService",
          "grpc.health.v1.Health",
        ]),
      );

      const files = (responses[1].file_descriptor_response?.file_descriptor_proto ?? []).map((bytes) =>
        fromBinary(FileDescriptorProtoSchema, bytes),
      );
      expect(files[0].name).toBe("twinstate/twin/v1/service.proto");
      expect(files[0].service.map((s) => s.name)).toEqual(["TwinService"]);
      expect(files[0].service[0].method.map((m) => m.name)).toEqual([
        "GetEstimate",
        "StreamEstimates",
        "ListTwins",
        "Forecast",
        "WhatIf",
        "PutDefinition",
        "BindAsset",
      ]);
      // The answer is self-contained: protobuf-es can build a registry from it alone (imports included).
      const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: dependenciesFirst(files) }));
      const twinService = registry.getService("twinstate.twin.v1.TwinService");
      expect(twinService?.method.streamEstimates.methodKind).toBe("server_streaming");
      expect(registry.getMessage("google.protobuf.Timestamp")).toBeDefined();
      expect(registry.getMessage("twinstate.twin.v1.StateEstimate")?.field.covariance.fieldKind).toBe("list");

      expect(responses[2].error_response?.error_code).toBe(grpc.status.NOT_FOUND);

      const healthFiles = (responses[3].file_descriptor_response?.file_descriptor_proto ?? []).map((bytes) =>
        fromBinary(FileDescriptorProtoSchema, bytes),
      );
      expect(healthFiles.map((file) => file.name)).toEqual(["grpc/health/v1/health.proto"]);
      const health = createFileRegistry(create(FileDescriptorSetSchema, { file: healthFiles }));
      expect(Object.keys(health.getService("grpc.health.v1.Health")?.method ?? {}).sort()).toEqual([
        "check",
        "list",
        "watch",
      ]);
      const statuses = health.getMessage("grpc.health.v1.HealthListResponse")?.field.statuses;
      expect(statuses?.fieldKind).toBe("map");
      expect(statuses?.message?.typeName).toBe("grpc.health.v1.HealthCheckResponse");
    });
  }
});

describe("GrpcServer calls", () => {
  const twin = () => clientFor(createServiceDefinition(TwinService));

  test("a unary call returns the implementation's response", async () => {
    const client = twin();
    const { error, response } = await unary<object, GetEstimateResponse>(client, "getEstimate", {
      tenant: "acme",
      asset: "pump-1",
    });
    expect(error).toBeNull();
    expect(response?.estimate?.asset).toBe("pump-1");
    expect(response?.estimate?.mean).toEqual([1.5, -2]);
    expect(response?.estimate?.status).toBe(EstimateStatus.OK);
    client.close();
  });

  test("a method without implementation answers UNIMPLEMENTED", async () => {
    const client = twin();
    const { error } = await unary(client, "forecast", { tenant: "acme", asset: "pump-1" });
    expect(error?.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(error?.details).toContain("twinstate.twin.v1.TwinService/Forecast");
    client.close();
    const alerts = clientFor(createServiceDefinition(AlertService));
    expect((await unary(alerts, "listAlerts", { tenant: "acme" })).error?.code).toBe(grpc.status.UNIMPLEMENTED);
    alerts.close();
  });

  test("a thrown typed error answers its gRPC status, message and code trailer", async () => {
    const client = twin();
    const { error } = await unary(client, "getEstimate", { tenant: "acme", asset: "missing" });
    expect(error?.code).toBe(grpc.status.NOT_FOUND);
    expect(error?.details).toBe("asset acme/missing has no twin");
    expect(error?.metadata.get(errorCodeTrailer)).toEqual(["NOT_FOUND"]);
    expect(callErrors.some((e) => e instanceof NotFoundError)).toBe(true);
    client.close();
  });

  test("any other thrown error answers INTERNAL without leaking its message", async () => {
    const client = twin();
    const { error } = await unary(client, "getEstimate", { tenant: "acme", asset: "boom" });
    expect(error?.code).toBe(grpc.status.INTERNAL);
    expect(error?.details).not.toContain("secret");
    client.close();
  });

  test("a malformed request answers INVALID_ARGUMENT", async () => {
    const raw = clientFor({
      getEstimate: {
        path: "/twinstate.twin.v1.TwinService/GetEstimate",
        requestStream: false,
        responseStream: false,
        requestSerialize: (bytes: Buffer) => bytes,
        requestDeserialize: (bytes: Buffer) => bytes,
        responseSerialize: (bytes: Buffer) => bytes,
        responseDeserialize: (bytes: Buffer) => bytes,
      },
    });
    // Field 1 (tenant), length-delimited, claims 255 bytes but carries one.
    const { error } = await unary(raw, "getEstimate", Buffer.from([0x0a, 0xff, 0x01, 0x61]));
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error?.details).toContain("twinstate.twin.v1.GetEstimateRequest");
    raw.close();
  });

  test("server streaming delivers every response in order", async () => {
    const client = twin();
    const call = (client.streamEstimates as (r: object) => grpc.ClientReadableStream<StreamEstimatesResponse>).call(
      client,
      { tenant: "acme", asset: "pump-2" },
    );
    const sequences: bigint[] = [];
    for await (const message of call as AsyncIterable<StreamEstimatesResponse>) {
      expect(message.estimate?.asset).toBe("pump-2");
      sequences.push(message.estimate?.sequence ?? 0n);
    }
    expect(sequences).toEqual([1n, 2n, 3n]);
    client.close();
  });

  test("client streaming reads every request until half-close", async () => {
    const client = clientFor(createServiceDefinition(IngestService));
    const response = await new Promise<PublishStreamResponse>((resolve, reject) => {
      const call = (
        client.publishStream as (
          cb: (e: grpc.ServiceError | null, r?: PublishStreamResponse) => void,
        ) => grpc.ClientWritableStream<object>
      ).call(client, (error, result) => (error ? reject(error) : resolve(result as PublishStreamResponse)));
      const reading = { tenant: "acme", asset: "pump-3", sensor: "temp", value: { case: "scalar", value: 20.5 } };
      call.write({ readings: [reading, reading] });
      call.write({ readings: [reading] });
      call.write({ readings: [] });
      call.end();
    });
    expect(response.acceptedCount).toBe(3n);
    client.close();
  });
});

describe("GrpcServer shutdown", () => {
  test("drains, then cancels open calls after the grace period (handlers see the abort)", async () => {
    const local = new GrpcServer({ host: "127.0.0.1", port: 0 });
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    local.addService(TwinService, {
      async *streamEstimates(_request, context) {
        yield { estimate: { asset: "first" } };
        await new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve()));
        release();
      },
    });
    const port = await local.start();
    local.setReady(true);
    const Client = grpc.makeGenericClientConstructor(createServiceDefinition(TwinService), "TwinService");
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as grpc.Client &
      Record<string, unknown>;
    const call = (client.streamEstimates as (r: object) => grpc.ClientReadableStream<unknown>).call(client, {});
    const ended = new Promise<grpc.ServiceError | null>((resolve) => {
      call.on("error", (error: grpc.ServiceError) => resolve(error));
      call.on("end", () => resolve(null));
    });
    await new Promise((resolve) => call.once("data", resolve));
    const { forced } = await local.shutdown(200);
    expect(forced).toBe(true);
    await released; // the handler saw the cancellation through its AbortSignal
    expect((await ended)?.code).toBe(grpc.status.CANCELLED);
    client.close();
    expect(await local.shutdown()).toEqual({ forced: false });
  });

  test("shuts down gracefully when no call is open, and the port rejects new calls", async () => {
    const local = new GrpcServer({ host: "127.0.0.1", port: 0 });
    local.addService(TwinService, { getEstimate: () => ({}) });
    const port = await local.start();
    expect(await local.shutdown(2000)).toEqual({ forced: false });
    const Client = grpc.makeGenericClientConstructor(createServiceDefinition(TwinService), "TwinService");
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as grpc.Client &
      Record<string, unknown>;
    const { error } = await new Promise<{ error: grpc.ServiceError | null }>((resolve) => {
      (client.getEstimate as Unary<object, unknown>).call(
        client,
        {},
        new grpc.Metadata(),
        (e: grpc.ServiceError | null) => resolve({ error: e }),
      );
    });
    expect(error?.code).toBe(grpc.status.UNAVAILABLE);
    client.close();
  });
});
