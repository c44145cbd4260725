import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { AlertService, IngestService, TwinService } from "@twinstate/proto";
import { service as healthService } from "grpc-health-check";
import { baseConfigSchema, grpcConfigSchema } from "../../src/config/base-config-schema.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigError } from "../../src/errors/config-error.ts";
import { createServiceDefinition } from "../../src/grpc/create-service-definition.ts";
import { grpcSecurityFromConfig } from "../../src/grpc/grpc-security-from-config.ts";
import { GrpcServer } from "../../src/grpc/grpc-server.ts";
import { errorCodeTrailer } from "../../src/grpc/grpc-status-from-error.ts";
import { captureLogger } from "../support/capture-logger.ts";

// Real servers on 127.0.0.1 with TLS (and mTLS) from certificates made by openssl in a temp dir, bearer tokens
// from a hashed token file, and real @grpc/grpc-js clients.

const require = createRequire(import.meta.url);
const reflectionProtoDir = join(dirname(require.resolve("@grpc/reflection")), "../proto");
const dir = mkdtempSync(join(tmpdir(), "grpc-tls-"));
const path = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
const sha = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

const tokens = { acmeWriter: "acme-writer-token", acmeReader: "acme-reader-token", admin: "admin-token" } as const;

/** A throwaway CA and a leaf certificate signed by it (server: SAN 127.0.0.1/localhost; client: clientAuth). */
function makePki(): void {
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=twinstate test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
  );
  for (const [name, ext] of [
    ["server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"],
    ["client", "extendedKeyUsage=clientAuth\n"],
  ] as const) {
    writeFileSync(path(`${name}.ext`), ext);
    openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      `/CN=${name}`,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
    );
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "1",
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}.crt`,
    );
  }
  // A second CA the server does not trust, for a client certificate that must be refused.
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=rogue",
    "-keyout",
    "rogue.key",
    "-out",
    "rogue.crt",
  );
  writeFileSync(
    path("tokens.yaml"),
    `tokens:
  - { name: acme-writer, sha256: ${sha(tokens.acmeWriter)}, tenants: [acme], roles: [write] }
  - { name: acme-reader, sha256: ${sha(tokens.acmeReader)}, tenants: [acme], roles: [read] }
  - { name: admin, sha256: ${sha(tokens.admin)}, tenants: ["*"], roles: [admin] }
`,
  );
}

const handlerRuns: string[] = [];

async function startServer(mtls: boolean): Promise<GrpcServer> {
  const { logger } = captureLogger();
  const config = grpcConfigSchema.parse({
    port: 0,
    tls: {
      certFile: path("server.crt"),
      keyFile: path("server.key"),
      ...(mtls ? { clientCaFile: path("ca.crt") } : {}),
    },
    auth: { mode: "tokens", tokensFile: path("tokens.yaml") },
  });
  const server = new GrpcServer({ host: "127.0.0.1", port: 0, ...grpcSecurityFromConfig(config, logger) });
  server.addService(AlertService, {
    listAlerts: (request, context) => {
      handlerRuns.push("listAlerts");
      context.requireTenant(request.tenant, "read");
      return { alerts: [], nextPageToken: context.principal.id };
    },
    silence: (request, context) => {
      handlerRuns.push("silence");
      context.requireTenant(request.tenant, "write");
      return { silence: { tenant: request.tenant, createdBy: context.principal.id } };
    },
  });
  server.addService(TwinService, {
    streamEstimates: async function* (request, context) {
      handlerRuns.push("streamEstimates");
      context.requireTenant(request.tenant, "read");
      yield {};
    },
  });
  server.addService(IngestService, {
    publishStream: async (requests, context) => {
      handlerRuns.push("publishStream");
      let n = 0n;
      for await (const request of requests) {
        context.requireTenant(request.readings[0]?.tenant ?? "", "write");
        n += 1n;
      }
      return { acceptedCount: n };
    },
  });
  await server.start();
  server.setReady(true);
  return server;
}

/** Verify the server as `localhost` (a DNS SAN of its certificate): TLS SNI must not be an IP address. */
const sniLocalhost = { "grpc.ssl_target_name_override": "localhost" };
type AnyClient = grpc.Client & Record<string, (...args: never[]) => unknown>;
function client(server: GrpcServer, definition: grpc.ServiceDefinition, creds: grpc.ChannelCredentials): AnyClient {
  const Client = grpc.makeGenericClientConstructor(definition, "test");
  return new Client(`127.0.0.1:${server.port}`, creds, sniLocalhost) as AnyClient;
}
const tlsCredentials = (withClientCert: boolean) =>
  withClientCert
    ? grpc.credentials.createSsl(
        readFileSync(path("ca.crt")),
        readFileSync(path("client.key")),
        readFileSync(path("client.crt")),
      )
    : grpc.credentials.createSsl(readFileSync(path("ca.crt")));
function bearer(token: string | undefined): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
  return metadata;
}
function unary<T>(c: AnyClient, method: string, request: unknown, token: string | undefined): Promise<T> {
  const fn = c[method] as unknown as (
    r: unknown,
    m: grpc.Metadata,
    o: grpc.CallOptions,
    cb: (e: grpc.ServiceError | null, v: T) => void,
  ) => void;
  return new Promise((resolve, reject) =>
    fn.call(c, request, bearer(token), { deadline: Date.now() + 10_000 }, (e, v) =>
      e === null ? resolve(v) : reject(e),
    ),
  );
}

let tlsServer: GrpcServer;
let mtlsServer: GrpcServer;
const alertDefinition = createServiceDefinition(AlertService);
const twinDefinition = createServiceDefinition(TwinService);
const ingestDefinition = createServiceDefinition(IngestService);

beforeAll(async () => {
  makePki();
  tlsServer = await startServer(false);
  mtlsServer = await startServer(true);
});

afterAll(async () => {
  await tlsServer?.shutdown(1000);
  await mtlsServer?.shutdown(1000);
  rmSync(dir, { recursive: true, force: true });
});

describe("gRPC over TLS", () => {
  test("a client trusting the CA calls with a bearer token; the handler sees the principal", async () => {
    const c = client(tlsServer, alertDefinition, tlsCredentials(false));
    const response = await unary<{ nextPageToken: string }>(c, "listAlerts", { tenant: "acme" }, tokens.acmeReader);
    expect(response.nextPageToken).toBe("acme-reader");
    c.close();
  });

  test("a plain-text client and a client not trusting the CA cannot call", async () => {
    for (const creds of [
      grpc.credentials.createInsecure(),
      grpc.credentials.createSsl(readFileSync(path("rogue.crt"))),
    ]) {
      const c = client(tlsServer, alertDefinition, creds);
      await expect(unary(c, "listAlerts", { tenant: "acme" }, tokens.admin)).rejects.toMatchObject({
        code: grpc.status.UNAVAILABLE,
      });
      c.close();
    }
  });
});

describe("mTLS", () => {
  test("a client without a certificate is rejected; one with a CA-signed certificate is served", async () => {
    const without = client(mtlsServer, alertDefinition, tlsCredentials(false));
    await expect(unary(without, "listAlerts", { tenant: "acme" }, tokens.admin)).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
    without.close();
    const rogue = client(
      mtlsServer,
      alertDefinition,
      grpc.credentials.createSsl(
        readFileSync(path("ca.crt")),
        readFileSync(path("rogue.key")),
        readFileSync(path("rogue.crt")),
      ),
    );
    await expect(unary(rogue, "listAlerts", { tenant: "acme" }, tokens.admin)).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
    rogue.close();
    const withCert = client(mtlsServer, alertDefinition, tlsCredentials(true));
    await expect(unary(withCert, "listAlerts", { tenant: "acme" }, tokens.admin)).resolves.toMatchObject({
      nextPageToken: "admin",
    });
    withCert.close();
  });
});

describe("bearer tokens and tenant scopes", () => {
  test("missing or unknown token → UNAUTHENTICATED before the handler runs", async () => {
    const c = client(tlsServer, alertDefinition, tlsCredentials(false));
    handlerRuns.length = 0;
    for (const token of [undefined, "not-a-known-token"]) {
      const error = await unary(c, "listAlerts", { tenant: "acme" }, token).catch((e: grpc.ServiceError) => e);
      expect(error).toMatchObject({ code: grpc.status.UNAUTHENTICATED });
      expect((error as grpc.ServiceError).metadata.get(errorCodeTrailer)).toEqual(["UNAUTHENTICATED"]);
    }
    expect(handlerRuns).toEqual([]);
    c.close();
  });

  test("tenant outside the scope, or a role too weak → PERMISSION_DENIED; within scope → served", async () => {
    const c = client(tlsServer, alertDefinition, tlsCredentials(false));
    await expect(unary(c, "listAlerts", { tenant: "beta" }, tokens.acmeWriter)).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
      details: "principal acme-writer has no access to tenant beta",
    });
    await expect(unary(c, "silence", { tenant: "acme" }, tokens.acmeReader)).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
    });
    await expect(unary(c, "silence", { tenant: "acme" }, tokens.acmeWriter)).resolves.toMatchObject({
      silence: { tenant: "acme", createdBy: "acme-writer" },
    });
    await expect(unary(c, "silence", { tenant: "beta" }, tokens.admin)).resolves.toMatchObject({
      silence: { tenant: "beta", createdBy: "admin" },
    });
    c.close();
  });

  test("streaming calls are authenticated at their start", async () => {
    const twin = client(tlsServer, twinDefinition, tlsCredentials(false));
    const serverStream = (token: string | undefined, tenant: string) =>
      new Promise<number>((resolve, reject) => {
        const call = (
          twin.streamEstimates as unknown as (r: unknown, m: grpc.Metadata) => grpc.ClientReadableStream<unknown>
        ).call(twin, { tenant }, bearer(token));
        let n = 0;
        call.on("data", () => n++);
        call.on("error", reject);
        call.on("end", () => resolve(n));
      });
    handlerRuns.length = 0;
    await expect(serverStream(undefined, "acme")).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    await expect(serverStream("wrong", "acme")).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    expect(handlerRuns).toEqual([]);
    await expect(serverStream(tokens.acmeReader, "beta")).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
    });
    await expect(serverStream(tokens.acmeReader, "acme")).resolves.toBe(1);
    twin.close();

    const ingest = client(tlsServer, ingestDefinition, tlsCredentials(false));
    const clientStream = (token: string | undefined, tenant: string) =>
      new Promise<{ acceptedCount: bigint }>((resolve, reject) => {
        const call = (
          ingest.publishStream as unknown as (
            m: grpc.Metadata,
            cb: (e: grpc.ServiceError | null, v: { acceptedCount: bigint }) => void,
          ) => grpc.ClientWritableStream<unknown>
        ).call(ingest, bearer(token), (e, v) => (e === null ? resolve(v) : reject(e)));
        call.write({ readings: [{ tenant, asset: "a1" }] });
        call.end();
      });
    handlerRuns.length = 0;
    await expect(clientStream(undefined, "acme")).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    expect(handlerRuns).toEqual([]);
    await expect(clientStream(tokens.acmeWriter, "beta")).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
    });
    await expect(clientStream(tokens.acmeWriter, "acme")).resolves.toMatchObject({ acceptedCount: 1n });
    ingest.close();
  });

  test("health and reflection answer without a token (over mTLS with a client certificate)", async () => {
    const health = client(mtlsServer, healthService as unknown as grpc.ServiceDefinition, tlsCredentials(true));
    await expect(unary(health, "Check", { service: "" }, undefined)).resolves.toMatchObject({ status: "SERVING" });
    health.close();
    const pkg = grpc.loadPackageDefinition(
      loadSync("grpc/reflection/v1/reflection.proto", { includeDirs: [reflectionProtoDir], keepCase: true }),
    ) as unknown as { grpc: { reflection: { v1: { ServerReflection: grpc.ServiceClientConstructor } } } };
    const reflection = new pkg.grpc.reflection.v1.ServerReflection(
      `127.0.0.1:${mtlsServer.port}`,
      tlsCredentials(true),
      sniLocalhost,
    );
    type Response = { list_services_response?: { service: { name: string }[] } };
    const stream = (reflection.ServerReflectionInfo as () => grpc.ClientDuplexStream<object, Response>).call(
      reflection,
    );
    const responses: Response[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on("data", (r: Response) => responses.push(r));
      stream.on("end", resolve);
      stream.on("error", reject);
    });
    stream.write({ list_services: "*" });
    stream.end();
    await done;
    reflection.close();
    expect(responses[0]?.list_services_response?.service.map((s) => s.name)).toEqual(
      expect.arrayContaining(["twinstate.alert.v1.AlertService", "grpc.health.v1.Health"]),
    );
  });
});

describe("gRPC TLS configuration", () => {
  const load = (environment: Record<string, string>) =>
    loadConfig({
      schema: baseConfigSchema,
      environment: { SERVICE_NAME: "x", KAFKA_BROKERS: "b:9092", ...environment },
    });

  test("a missing file names its env var; a key without a certificate names the missing one", () => {
    const missing = (() => {
      try {
        load({ GRPC_TLS_CERT_FILE: path("nope.crt"), GRPC_TLS_KEY_FILE: path("server.key") });
      } catch (error) {
        return error as ConfigError;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing.issues).toEqual([
      { key: "env GRPC_TLS_CERT_FILE", reason: expect.stringContaining("does not exist or is not readable") },
    ]);
    expect(() => load({ GRPC_TLS_KEY_FILE: path("server.key") })).toThrow(/grpc\.tls\.certFile.*GRPC_TLS_CERT_FILE/);
    expect(() => load({ GRPC_TLS_CLIENT_CA_FILE: path("ca.crt") })).toThrow(/GRPC_TLS_CERT_FILE/);
    expect(() => load({ GRPC_AUTH_MODE: "open" })).toThrow(/env GRPC_AUTH_MODE/);
    const config = load({
      GRPC_TLS_CERT_FILE: path("server.crt"),
      GRPC_TLS_KEY_FILE: path("server.key"),
      GRPC_TLS_CLIENT_CA_FILE: path("ca.crt"),
      GRPC_AUTH_MODE: "disabled",
    });
    expect(config.grpc).toMatchObject({
      tls: { certFile: path("server.crt"), keyFile: path("server.key"), clientCaFile: path("ca.crt") },
      auth: { mode: "disabled" },
    });
  });

  test("a file that is not PEM names its env var at start", () => {
    const { logger } = captureLogger();
    const config = grpcConfigSchema.parse({ tls: { certFile: path("tokens.yaml"), keyFile: path("server.key") } });
    expect(() => grpcSecurityFromConfig(config, logger)).toThrow(/env GRPC_TLS_CERT_FILE.*not a PEM file/);
  });
});
