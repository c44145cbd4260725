import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials, Metadata, makeGenericClientConstructor, type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { DriftService } from "@twinstate/proto";
import {
  createLogger,
  createServiceDefinition,
  GrpcServer,
  grpcConfigSchema,
  grpcSecurityFromConfig,
} from "@twinstate/runtime";
import { DriftDefinitions } from "../src/definitions/drift-definitions.ts";
import { DriftEventIndex } from "../src/service/drift-event-index.ts";
import { createDriftGrpcService } from "../src/service/drift-grpc-service.ts";
import { DriftSuites } from "../src/suites/drift-suites.ts";
import { estimateStream } from "./estimate-fixtures.ts";

// Invariant 5 on the DriftService: a real GrpcServer authenticating bearer tokens from a hashed token file, the
// real detector suites fed two tenants' estimates (same asset name, both biased so both drift) and the real
// event index holding both tenants' drift events.

const tokens = { a: "token-of-tenant-a", b: "token-of-tenant-b" } as const;
const sha = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

interface Event {
  tenant: string;
  asset: string;
  eventId: string;
}
interface State {
  tenant: string;
  asset: string;
  detector: string;
}
interface Client {
  listDriftEvents(r: unknown, m: Metadata, cb: (e: ServiceError | null, v: { events: Event[] }) => void): void;
  getDetectorState(r: unknown, m: Metadata, cb: (e: ServiceError | null, v: { states: State[] }) => void): void;
  close(): void;
}
function as<T>(token: string, fn: (m: Metadata, cb: (e: ServiceError | null, v: T) => void) => void): Promise<T> {
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${token}`);
  return new Promise((resolve, reject) => fn(metadata, (e, v) => (e === null ? resolve(v) : reject(e))));
}

describe("DriftService tenant isolation", () => {
  const dir = mkdtempSync(join(tmpdir(), "drift-isolation-"));
  const logger = createLogger({ service: "drift-isolation-test", level: "silent" });
  const suites = new DriftSuites(new DriftDefinitions());
  const index = new DriftEventIndex(10_000);
  const produced = { "tenant-a": 0, "tenant-b": 0 } as Record<string, number>;
  let server: GrpcServer;
  let client: Client;

  beforeAll(async () => {
    for (const [tenant, seed] of [
      ["tenant-a", 11],
      ["tenant-b", 12],
    ] as const) {
      for (const estimate of estimateStream({ tenant, asset: "pump-1", readings: 600, seed, bias: 4, biasFrom: 300 })) {
        const outcome = suites.process(estimate, 0);
        if (outcome.kind !== "fed") continue;
        for (const event of outcome.events) {
          index.add(event);
          produced[tenant] = (produced[tenant] ?? 0) + 1;
        }
      }
    }
    writeFileSync(
      join(dir, "tokens.yaml"),
      `tokens:
  - { name: reader-a, sha256: ${sha(tokens.a)}, tenants: [tenant-a], roles: [read] }
  - { name: reader-b, sha256: ${sha(tokens.b)}, tenants: [tenant-b], roles: [read] }
`,
    );
    const grpc = grpcConfigSchema.parse({ auth: { mode: "tokens", tokensFile: join(dir, "tokens.yaml") } });
    server = new GrpcServer({ host: "127.0.0.1", port: 0, ...grpcSecurityFromConfig(grpc, logger) });
    server.addService(DriftService, createDriftGrpcService({ index, suites }));
    const port = await server.start();
    server.setReady(true);
    client = new (makeGenericClientConstructor(createServiceDefinition(DriftService), "DriftService"))(
      `127.0.0.1:${port}`,
      credentials.createInsecure(),
    ) as unknown as Client;
  });

  afterAll(async () => {
    client?.close();
    await server?.shutdown(1000);
    rmSync(dir, { recursive: true, force: true });
  });

  test("isolation: no query or write crosses tenants", async () => {
    // Both tenants drifted, so the index holds events of both under the same asset name.
    expect(produced["tenant-a"]).toBeGreaterThan(0);
    expect(produced["tenant-b"]).toBeGreaterThan(0);

    // List: tenant A's token sees exactly A's events, and cannot list B's.
    const listedA = await as<{ events: Event[] }>(tokens.a, (m, cb) =>
      client.listDriftEvents({ tenant: "tenant-a", pageSize: 1000 }, m, cb),
    );
    expect(listedA.events).toHaveLength(produced["tenant-a"]!);
    expect(new Set(listedA.events.map((e) => e.tenant))).toEqual(new Set(["tenant-a"]));
    await expect(
      as(tokens.a, (m, cb) => client.listDriftEvents({ tenant: "tenant-b", pageSize: 1000 }, m, cb)),
    ).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    // An empty tenant is not "every tenant": it is refused.
    await expect(as(tokens.a, (m, cb) => client.listDriftEvents({ tenant: "" }, m, cb))).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });

    // Detector state: A reads its own asset's detectors, not B's same-named asset.
    const stateA = await as<{ states: State[] }>(tokens.a, (m, cb) =>
      client.getDetectorState({ tenant: "tenant-a", asset: "pump-1" }, m, cb),
    );
    expect(stateA.states.length).toBeGreaterThan(0);
    expect(new Set(stateA.states.map((s) => s.tenant))).toEqual(new Set(["tenant-a"]));
    await expect(
      as(tokens.a, (m, cb) => client.getDetectorState({ tenant: "tenant-b", asset: "pump-1" }, m, cb)),
    ).rejects.toMatchObject({ code: status.PERMISSION_DENIED });

    // Tenant B's token reads B's events and state (the checks deny only the crossing), and none of A's.
    const listedB = await as<{ events: Event[] }>(tokens.b, (m, cb) =>
      client.listDriftEvents({ tenant: "tenant-b", pageSize: 1000 }, m, cb),
    );
    expect(listedB.events).toHaveLength(produced["tenant-b"]!);
    expect(new Set(listedB.events.map((e) => e.tenant))).toEqual(new Set(["tenant-b"]));
    await expect(
      as(tokens.b, (m, cb) => client.getDetectorState({ tenant: "tenant-a", asset: "pump-1" }, m, cb)),
    ).rejects.toMatchObject({ code: status.PERMISSION_DENIED });

    // No token, or an unknown one: UNAUTHENTICATED.
    await expect(
      new Promise((resolve, reject) =>
        client.listDriftEvents({ tenant: "tenant-a" }, new Metadata(), (e, v) => (e === null ? resolve(v) : reject(e))),
      ),
    ).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    await expect(as("guess", (m, cb) => client.listDriftEvents({ tenant: "tenant-a" }, m, cb))).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
  });
});
