import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createE2eTopics, type E2eTopics } from "./e2e-topics.ts";
import { freePorts } from "./free-port.ts";

const run = promisify(execFile);

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The four pipeline services, in pipeline order. */
export const pipelineServices = ["ingest", "assimilation", "drift", "alerting"] as const;

/** One of {@link pipelineServices}, or the demo generator. */
export type E2eProcessName = (typeof pipelineServices)[number] | "demo";

/** The demo's definitions, contracts and rules (deploy/demo), as `make up` wires them. */
export const demoDeploy = {
  twins: [
    "deploy/demo/twins/demo-oven-thermal.yaml",
    "deploy/demo/twins/demo-battery-ecm.yaml",
    "deploy/demo/twins/demo-vehicle-cv.yaml",
    "deploy/demo/twins/demo-pendulum-pf.yaml",
  ].map((f) => join(repoRoot, f)),
  contracts: join(repoRoot, "deploy/demo/contracts"),
  rules: join(repoRoot, "deploy/demo/alerting/demo-rules.yaml"),
  watchList: ["acme/oven-1", "volta/cell-1", "fleet/truck-1", "lab/pendulum-1"],
} as const;

/** Options of {@link E2eCluster.start}. */
export interface E2eClusterOptions {
  readonly brokers: readonly string[];
  /** Short name of the run (topic prefix, consumer groups, log dir). */
  readonly name: string;
  /** Also start a real Alertmanager and route alerts to it. */
  readonly alertmanager?: boolean;
  /** Also start a real Prometheus scraping every process. */
  readonly prometheus?: boolean;
  /** OTLP/HTTP endpoint every process exports spans to. */
  readonly otlpEndpoint?: string;
  /** Extra env of the demo generator (DEMO_*); without it no demo is started. */
  readonly demo?: Readonly<Record<string, string>>;
  /** Runs after the topics exist and before any service starts (e.g. publish bindings the services load whole). */
  readonly prepare?: (topics: E2eTopics) => Promise<void>;
}

interface Proc {
  readonly name: E2eProcessName;
  readonly child: ChildProcess;
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly log: string;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  onFail?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${onFail ? `\n${onFail()}` : ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.arrayBuffer();
  return response.ok;
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * An isolated twinstate cluster for end-to-end tests: the real services (`node services/<name>/src/main.ts`,
 * each its own process, configured only through the environment as `make up` does) on their own topics
 * (unique prefix), consumer groups and free ports, optionally with a real Alertmanager, a real Prometheus
 * scraping every process, OTLP export to a given endpoint and the demo generator.
 *
 * Why processes and not in-process wiring: this is exactly what `make up` and a deployment run, including
 * each service's own tracing and metrics set-up (one global OpenTelemetry provider per process).
 */
export class E2eCluster {
  readonly topics: E2eTopics;
  readonly runDir: string;
  /** Bearer token of an admin of every tenant, for gRPC calls (`authorization: Bearer <token>`). */
  adminToken = "";
  readonly #o: E2eClusterOptions;
  readonly #procs = new Map<E2eProcessName, Proc>();
  #prometheus: { url: string; dataDir: string; port: number } | undefined;
  #alertmanager: { url: string; dataDir: string; port: number } | undefined;

  private constructor(options: E2eClusterOptions, topics: E2eTopics, runDir: string) {
    this.#o = options;
    this.topics = topics;
    this.runDir = runDir;
  }

  /** Creates the topics, starts Alertmanager (if asked), the four services, Prometheus and the demo, and waits until all are ready. */
  static async start(options: E2eClusterOptions): Promise<E2eCluster> {
    const id = `${options.name}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
    const runDir = join(repoRoot, ".run", "e2e", id);
    mkdirSync(runDir, { recursive: true });
    const topics = await createE2eTopics(options.brokers, `e2e-${id}`);
    const cluster = new E2eCluster(options, topics, runDir);
    try {
      await options.prepare?.(topics);
      await cluster.#startAll(id);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Base URL of Prometheus (when started). */
  get prometheusUrl(): string {
    if (this.#prometheus === undefined) throw new Error("Prometheus was not started");
    return this.#prometheus.url;
  }

  /** Base URL of Alertmanager (when started). */
  get alertmanagerUrl(): string {
    if (this.#alertmanager === undefined) throw new Error("Alertmanager was not started");
    return this.#alertmanager.url;
  }

  /** HTTP (metrics/health) port of a process. */
  httpPort(name: E2eProcessName): number {
    return this.#procs.get(name)!.httpPort;
  }

  /** gRPC port of a service. */
  grpcPort(name: E2eProcessName): number {
    return this.#procs.get(name)!.grpcPort;
  }

  /** The last lines of a process's log. */
  logTail(name: E2eProcessName, lines = 30): string {
    const p = this.#procs.get(name);
    return p === undefined ? "(not started)" : tail(p.log, lines);
  }

  async #startAll(id: string): Promise<void> {
    const o = this.#o;
    const ports = await freePorts(14);
    const take = () => ports.pop()!;
    if (o.alertmanager === true) {
      const port = take();
      const dataDir = join(this.runDir, "alertmanager");
      const { stdout } = await run(join(repoRoot, "scripts/alertmanager/start.sh"), [
        "--port",
        String(port),
        "--data-dir",
        dataDir,
      ]);
      this.#alertmanager = { url: stdout.trim().split("\n").at(-1)!, dataDir, port };
    }
    const t = this.topics;
    // gRPC bearer tokens (the services' default mode): one admin token for the run; its SHA-256 in the file
    const tokensFile = join(this.runDir, "tokens.yaml");
    this.adminToken = randomBytes(24).toString("base64url");
    writeFileSync(
      tokensFile,
      `tokens:\n  - name: e2e-admin\n    sha256: ${createHash("sha256").update(this.adminToken).digest("hex")}\n    tenants: ["*"]\n    roles: [admin]\n`,
      { mode: 0o600 },
    );
    const common = {
      GRPC_AUTH_MODE: "tokens",
      GRPC_AUTH_TOKENS_FILE: tokensFile,
      KAFKA_BROKERS: o.brokers.join(","),
      LOG_LEVEL: "info",
      SHUTDOWN_GRACE_MS: "15000",
      ...(o.otlpEndpoint === undefined ? {} : { OTEL_EXPORTER_OTLP_ENDPOINT: o.otlpEndpoint }),
    };
    const group = (service: string) => `e2e-${id}-${service}`;
    const env: Record<(typeof pipelineServices)[number], Record<string, string>> = {
      ingest: {
        INGEST_CONTRACTS_DIR: demoDeploy.contracts,
        INGEST_RAW_TOPIC: t.raw,
        INGEST_VALID_TOPIC: t.valid,
        INGEST_DLQ_TOPIC: t.dlq,
        INGEST_CONTRACTS_TOPIC: t.contracts,
        INGEST_GROUP_ID: group("ingest"),
        INGEST_TRANSACTIONAL_ID_PREFIX: group("ingest"),
        INGEST_GRPC_PRODUCER_ID: id,
      },
      assimilation: {
        ASSIMILATION_DEFINITION_FILES: demoDeploy.twins.join(","),
        ASSIMILATION_WATCH_LIST: demoDeploy.watchList.join(","),
        ASSIMILATION_VALID_TOPIC: t.valid,
        ASSIMILATION_ESTIMATES_TOPIC: t.estimates,
        ASSIMILATION_STATE_TOPIC: t.state,
        ASSIMILATION_DEFINITIONS_TOPIC: t.definitions,
        ASSIMILATION_GROUP_ID: group("assimilation"),
        ASSIMILATION_TRANSACTIONAL_ID_PREFIX: group("assimilation"),
      },
      drift: {
        DRIFT_DEFINITION_FILES: demoDeploy.twins.join(","),
        DRIFT_ESTIMATES_TOPIC: t.estimates,
        DRIFT_EVENTS_TOPIC: t.drift,
        DRIFT_STATE_TOPIC: t.driftState,
        DRIFT_DEFINITIONS_TOPIC: t.definitions,
        DRIFT_GROUP_ID: group("drift"),
        DRIFT_TRANSACTIONAL_ID_PREFIX: group("drift"),
      },
      alerting: {
        ALERTING_RULE_FILES: demoDeploy.rules,
        ALERTING_DRIFT_TOPIC: t.drift,
        ALERTING_ESTIMATES_TOPIC: t.estimates,
        ALERTING_ALERTS_TOPIC: t.alerts,
        ALERTING_STATE_TOPIC: t.alertingState,
        ALERTING_GROUP_ID: group("alerting"),
        ALERTING_ROUTES_GROUP_ID: group("alerting-routes"),
        ALERTING_TRANSACTIONAL_ID_PREFIX: group("alerting"),
        ALERTING_ALERTMANAGER_RESEND_INTERVAL_MS: "10000",
        ...(this.#alertmanager === undefined ? {} : { ALERTING_ALERTMANAGER_URL: this.#alertmanager.url }),
      },
    };
    for (const name of pipelineServices) this.#spawn(name, take(), take(), { ...common, ...env[name] });
    await Promise.all(pipelineServices.map((name) => this.#waitReady(name)));
    const demoPort = take();
    if (o.prometheus === true) await this.#startPrometheus(take(), o.demo === undefined ? undefined : demoPort);
    if (o.demo !== undefined) {
      this.#spawn("demo", demoPort, 0, {
        ...common,
        DEMO_RAW_TOPIC: t.raw,
        DEMO_DEFINITIONS_TOPIC: t.definitions,
        ...o.demo,
      });
      await this.#waitReady("demo");
    }
  }

  #spawn(name: E2eProcessName, httpPort: number, grpcPort: number, env: Record<string, string>): void {
    const log = join(this.runDir, `${name}.log`);
    const fd = openSync(log, "a");
    const child = spawn(process.execPath, [join(repoRoot, `services/${name}/src/main.ts`)], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_OPTIONS: "--disable-warning=TimeoutNegativeWarning",
        SERVICE_NAME: name,
        HTTP_PORT: String(httpPort),
        GRPC_PORT: String(grpcPort),
        ...env,
      },
      stdio: ["ignore", fd, fd],
    });
    this.#procs.set(name, { name, child, httpPort, grpcPort, log });
  }

  async #waitReady(name: E2eProcessName): Promise<void> {
    const p = this.#procs.get(name)!;
    await waitFor(
      `${name} /readyz`,
      async () => {
        if (p.child.exitCode !== null) throw new Error(`${name} exited with ${p.child.exitCode}:\n${tail(p.log)}`);
        return httpOk(`http://127.0.0.1:${p.httpPort}/readyz`);
      },
      90_000,
      () => tail(p.log),
    ).catch((error: unknown) => {
      if (p.child.exitCode !== null) throw new Error(`${name} exited with code ${p.child.exitCode}:\n${tail(p.log)}`);
      throw error;
    });
  }

  async #startPrometheus(port: number, demoPort: number | undefined): Promise<void> {
    const dataDir = join(this.runDir, "prometheus");
    mkdirSync(dataDir, { recursive: true });
    const job = (name: string, target: number) =>
      `  - job_name: twinstate-${name}\n    static_configs:\n      - targets: ["127.0.0.1:${target}"]\n`;
    const scrape = pipelineServices.map((s) => job(s, this.httpPort(s))).join("");
    const config =
      "# Written by test/e2e/e2e-cluster.ts for one end-to-end run.\n" +
      "global:\n  scrape_interval: 2s\n  evaluation_interval: 5s\n" +
      (this.#alertmanager === undefined
        ? ""
        : `alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ["127.0.0.1:${this.#alertmanager.port}"]\n`) +
      `rule_files:\n  - ${join(repoRoot, "deploy/prometheus/rules/twinstate.rules.yml")}\n` +
      "scrape_configs:\n" +
      scrape +
      (demoPort === undefined ? "" : job("demo", demoPort)) +
      `  - job_name: prometheus\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]\n`;
    const configFile = join(dataDir, "prometheus.yml");
    writeFileSync(configFile, config);
    const { stdout } = await run(join(repoRoot, "scripts/prometheus/start.sh"), [
      "--port",
      String(port),
      "--data-dir",
      dataDir,
      "--config",
      configFile,
    ]);
    this.#prometheus = { url: stdout.trim().split("\n").at(-1)!, dataDir, port };
  }

  /** Stops the demo, the services (SIGTERM, then SIGKILL after 20 s), Prometheus and Alertmanager. */
  async stop(): Promise<void> {
    const order: E2eProcessName[] = ["demo", ...pipelineServices];
    const stopping = order.map(async (name) => {
      const p = this.#procs.get(name);
      if (p === undefined || p.child.exitCode !== null || p.child.signalCode !== null) return;
      const exited = new Promise<void>((r) => p.child.once("exit", () => r()));
      p.child.kill("SIGTERM");
      const timer = setTimeout(() => p.child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    });
    await Promise.all(stopping);
    if (this.#prometheus !== undefined) {
      await run(join(repoRoot, "scripts/prometheus/stop.sh"), ["--data-dir", this.#prometheus.dataDir]).catch(() => {});
      // the TSDB is only for this run; its log and config stay next to the services' logs
      rmSync(join(this.#prometheus.dataDir, "tsdb"), { recursive: true, force: true });
    }
    if (this.#alertmanager !== undefined) {
      await run(join(repoRoot, "scripts/alertmanager/stop.sh"), ["--data-dir", this.#alertmanager.dataDir]).catch(
        () => {},
      );
      rmSync(join(this.#alertmanager.dataDir, "storage"), { recursive: true, force: true });
    }
  }
}
