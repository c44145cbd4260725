/**
 * The deployable artifacts agree with what `make up` runs: deploy/compose.yaml, the services' Dockerfiles,
 * the Helm chart and the Prometheus scrape configs use only environment variables the services bind
 * (services/lib/runtime env bindings + each service's own), the ports of scripts/cluster/services.sh, and
 * files that exist. Static checks: there is no Docker engine or Kubernetes here to run them.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "@jest/globals";
import { parse } from "yaml";
import { alertingEnvBindings } from "../../services/alerting/src/config/alerting-config.ts";
import { assimilationEnvBindings } from "../../services/assimilation/src/config/assimilation-config.ts";
import { demoEnvBindings } from "../../services/demo/src/config/demo-config.ts";
import { driftEnvBindings } from "../../services/drift/src/config/drift-config.ts";
import { ingestEnvBindings } from "../../services/ingest/src/config/ingest-config.ts";
import { baseEnvBindings, type EnvBinding } from "../../services/lib/runtime/src/config/env-binding.ts";

const root = join(import.meta.dirname, "..", "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

/** Variables read by the runtime or Node itself rather than through a binding. */
const PROCESS_ENV = new Set(["TWINSTATE_CONFIG", "NODE_ENV", "NODE_OPTIONS"]);

const own: Readonly<Record<string, Readonly<Record<string, EnvBinding>>>> = {
  ingest: ingestEnvBindings,
  assimilation: assimilationEnvBindings,
  drift: driftEnvBindings,
  alerting: alertingEnvBindings,
  demo: demoEnvBindings,
};
const bound = (service: string, name: string) =>
  name in baseEnvBindings || name in (own[service] ?? {}) || PROCESS_ENV.has(name);

/** scripts/cluster/services.sh: name → [grpc, http]. */
function clusterPorts(): Map<string, [number, number]> {
  const ports = new Map<string, [number, number]>();
  for (const m of read("scripts/cluster/services.sh").matchAll(/"([a-z]+) (\d+) (\d+)"/g)) {
    ports.set(m[1] ?? "", [Number(m[2]), Number(m[3])]);
  }
  return ports;
}
const PIPELINE = ["ingest", "assimilation", "drift", "alerting"] as const;

/**
 * The per-service environment of `make up`: scripts/cluster/up.sh's `service_env` case lines, with the
 * TWINSTATE_* variables of services.sh substituted (others, like $run, left as they are).
 */
function upEnvironment(): Map<string, Map<string, string>> {
  const vars = new Map<string, string>();
  for (const m of read("scripts/cluster/services.sh").matchAll(/^(TWINSTATE_[A-Z_]+)="?([^"\n]*)"?$/gm)) {
    vars.set(m[1] ?? "", m[2] ?? "");
  }
  const env = new Map<string, Map<string, string>>();
  for (const m of read("scripts/cluster/up.sh").matchAll(/^\s+([a-z]+)\) echo "([^"]*)" ;;$/gm)) {
    const line = (m[2] ?? "").replace(/\$(TWINSTATE_[A-Z_]+)/g, (v, n: string) => vars.get(n) ?? v);
    env.set(
      m[1] ?? "",
      new Map(line.split(/\s+/).map((kv) => [kv.split("=")[0] ?? "", kv.slice(kv.indexOf("=") + 1)])),
    );
  }
  return env;
}

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
}
const compose = parse(read("deploy/compose.yaml"), { merge: true }) as { services: Record<string, ComposeService> };

describe("scripts/cluster/services.sh", () => {
  test("declares the four pipeline services", () => {
    expect([...clusterPorts().keys()]).toEqual([...PIPELINE]);
  });
});

describe("deploy/compose.yaml", () => {
  test.each([...PIPELINE, "demo"])("%s: every env var is bound by the service", (name) => {
    const env = compose.services[name]?.environment ?? {};
    expect(Object.keys(env).length).toBeGreaterThan(3);
    expect(Object.keys(env).filter((k) => !bound(name, k))).toEqual([]);
    expect(env.SERVICE_NAME).toBe(name);
    expect(env.KAFKA_BROKERS).toBe("kafka:9092");
  });

  test.each([...PIPELINE, "demo"])("%s: sets every variable scripts/cluster/up.sh sets, to the same value", (name) => {
    const expected = upEnvironment().get(name) ?? new Map<string, string>();
    expect(expected.size).toBeGreaterThan(0);
    const env = compose.services[name]?.environment ?? {};
    for (const [key, value] of expected) {
      // Values naming local paths or URLs ($run, $alertmanager_url) differ by design; the key must be set.
      if (name === "demo" && key === "DEMO_STATE_FILE") continue;
      if (value.includes("$")) expect({ key, set: key in env }).toEqual({ key, set: true });
      else expect({ key, value: String(env[key]) }).toEqual({ key, value });
    }
  });

  test.each([...PIPELINE])("%s: same ports as make up, published on loopback", (name) => {
    const [grpc, http] = clusterPorts().get(name) ?? [0, 0];
    const s = compose.services[name];
    expect(s?.environment?.GRPC_PORT).toBe(String(grpc));
    expect(s?.environment?.HTTP_PORT).toBe(String(http));
    expect(s?.ports).toEqual([`127.0.0.1:${grpc}:${grpc}`, `127.0.0.1:${http}:${http}`]);
  });

  test("files the services are pointed at exist (the image's WORKDIR is the repository root)", () => {
    const paths = [...PIPELINE, "demo"].flatMap((name) =>
      Object.entries(compose.services[name]?.environment ?? {})
        .filter(([k]) => /_(DIR|FILES?)$/.test(k))
        .flatMap(([, v]) => String(v).split(",")),
    );
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect({ path: p, exists: existsSync(join(root, p)) }).toEqual({ path: p, exists: true });
  });

  test("the topics job runs scripts/create-topics.ts before every twinstate service", () => {
    expect(compose.services.topics?.command).toEqual(["node", "scripts/create-topics.ts"]);
    expect(existsSync(join(root, "scripts/create-topics.ts"))).toBe(true);
    for (const name of [...PIPELINE, "demo"]) {
      const dependsOn = (compose.services[name] as { depends_on?: Record<string, { condition: string }> }).depends_on;
      expect(dependsOn?.topics?.condition).toBe("service_completed_successfully");
    }
  });

  test("every build points at an existing Dockerfile and the mounted deploy directories exist", () => {
    for (const s of Object.values(compose.services)) {
      if (s.build) expect(existsSync(join(root, "deploy", s.build.context, s.build.dockerfile))).toBe(true);
      for (const v of s.volumes ?? []) {
        const source = v.split(":")[0] ?? "";
        if (source.startsWith("./")) expect(existsSync(join(root, "deploy", source))).toBe(true);
      }
    }
  });
});

describe("Dockerfiles", () => {
  test.each([...PIPELINE, "demo"])(
    "services/%s/Dockerfile: multi-stage, non-root, health check, runs main.ts",
    (name) => {
      const text = read(`services/${name}/Dockerfile`);
      expect(text.match(/^FROM /gm)?.length).toBe(2);
      expect(text).toMatch(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim$/m);
      expect(text).toMatch(/^USER 10001:10001$/m);
      expect(text).toMatch(/^HEALTHCHECK .*$/m);
      expect(text).toContain("/healthz");
      expect(text).toContain(`npm ci --omit=dev --ignore-scripts -w @twinstate/${name}`);
      expect(text).toContain(`CMD ["node", "services/${name}/src/main.ts"]`);
      expect(existsSync(join(root, `services/${name}/src/main.ts`))).toBe(true);
    },
  );

  test.each([...PIPELINE])("services/%s/Dockerfile: default ports are make up's", (name) => {
    const [grpc, http] = clusterPorts().get(name) ?? [0, 0];
    const text = read(`services/${name}/Dockerfile`);
    expect(text).toContain(`GRPC_PORT=${grpc}`);
    expect(text).toContain(`HTTP_PORT=${http}`);
    expect(text).toContain(`EXPOSE ${grpc} ${http}`);
  });

  test("the Node version of the images is the project's pinned Node", () => {
    const pinned = /pinned="([\d.]+)"/.exec(read("scripts/ensure-node.sh"))?.[1];
    for (const name of [...PIPELINE, "demo"]) {
      expect(read(`services/${name}/Dockerfile`)).toContain(`ARG NODE_VERSION=${pinned}`);
    }
  });
});

describe("Helm chart", () => {
  test("every env var the Deployment template sets is bound by some service", () => {
    const template = read("helm/twinstate/templates/deployment.yaml");
    const names = [...template.matchAll(/- name: ([A-Z][A-Z0-9_]+)$/gm)].map((m) => m[1] ?? "");
    expect(names.length).toBeGreaterThan(15);
    const anyService = (n: string) => Object.keys(own).some((s) => bound(s, n));
    expect(names.filter((n) => !anyService(n))).toEqual([]);
  });

  test("webhook secrets reach the alerting service through secretEnv, which its config supports", () => {
    expect(read("helm/twinstate/templates/configmap-files.yaml")).toContain("secretEnv:");
    expect(read("services/alerting/src/config/alerting-config.ts")).toContain("secretEnv");
  });

  test("values.yaml ports are make up's", () => {
    const values = parse(read("helm/twinstate/values.yaml")) as {
      services: Record<string, { grpcPort: number; httpPort: number }>;
    };
    for (const [name, [grpc, http]] of clusterPorts()) {
      expect([values.services[name]?.grpcPort, values.services[name]?.httpPort]).toEqual([grpc, http]);
    }
  });
});

describe("Prometheus scrape configs", () => {
  const targets = (path: string) => {
    const config = parse(read(path)) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    return new Map(config.scrape_configs.map((j) => [j.job_name, j.static_configs.flatMap((s) => s.targets)]));
  };

  test("local Prometheus scrapes every service's HTTP port as job twinstate-<service>", () => {
    const jobs = targets("deploy/prometheus/prometheus.yml");
    for (const [name, [, http]] of clusterPorts()) expect(jobs.get(`twinstate-${name}`)).toEqual([`127.0.0.1:${http}`]);
    const demoPort = /^TWINSTATE_DEMO_HTTP_PORT=(\d+)$/m.exec(read("scripts/cluster/services.sh"))?.[1];
    expect(jobs.get("twinstate-demo")).toEqual([`127.0.0.1:${demoPort}`]);
  });

  test("compose Prometheus scrapes the same jobs by compose service name", () => {
    const jobs = targets("deploy/prometheus/prometheus.compose.yml");
    for (const [name, [, http]] of clusterPorts()) expect(jobs.get(`twinstate-${name}`)).toEqual([`${name}:${http}`]);
    const local = parse(read("deploy/prometheus/prometheus.yml"));
    const composed = parse(read("deploy/prometheus/prometheus.compose.yml"));
    expect(composed.rule_files).toEqual(local.rule_files);
    expect(composed.global.scrape_interval).toBe(local.global.scrape_interval);
  });

  test("the local Alertmanager is the one scripts/alertmanager starts (127.0.0.1:9193)", () => {
    const config = parse(read("deploy/prometheus/prometheus.yml"));
    const port = /ALERTMANAGER_PORT:-(\d+)/.exec(read("scripts/alertmanager/start.sh"))?.[1];
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual([`127.0.0.1:${port}`]);
  });
});
