import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { ConfigError, type ConfigIssue } from "../errors/config-error.ts";
import { baseEnvBindings, type EnvBinding } from "./env-binding.ts";

/** The environment variable naming the optional YAML/JSON config file. */
export const configFileEnvVar = "TWINSTATE_CONFIG";

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions<S extends z.ZodType> {
  /** The service's schema, usually `baseConfigSchema.extend({...})`. */
  readonly schema: S;
  /** Extra env bindings of the service; merged over {@link baseEnvBindings}. */
  readonly env?: Readonly<Record<string, EnvBinding>>;
  /** Values used when neither the file nor the environment sets them (e.g. `{ service: "ingest" }`). */
  readonly defaults?: Readonly<Record<string, unknown>>;
  /** The environment to read; defaults to `process.env` (tests pass their own). */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

type Tree = Record<string, unknown>;

/**
 * Reads a service's configuration once: defaults, then the optional file named by `TWINSTATE_CONFIG` (YAML or
 * JSON), then environment variables, validated by the service's zod schema.
 *
 * Why: a bad setting must stop the process at start with a message naming the key — the env var name, or the
 * file path and field — and why, listing every problem at once. Throws {@link ConfigError}.
 */
export function loadConfig<S extends z.ZodType>(options: LoadConfigOptions<S>): z.infer<S> {
  const environment = options.environment ?? process.env;
  const bindings = { ...baseEnvBindings, ...options.env };
  const sources = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  const tree: Tree = structuredClone({ ...options.defaults }) as Tree;

  const filePath = environment[configFileEnvVar];
  if (filePath !== undefined && filePath !== "") {
    const fileTree = readConfigFile(filePath);
    mergeInto(tree, fileTree, [], (path) => sources.set(path, `file ${filePath}: ${path}`));
  }

  for (const [name, binding] of Object.entries(bindings)) {
    const raw = environment[name];
    if (raw === undefined || raw === "") continue;
    const parsed = parseEnvValue(raw, binding.type ?? "string");
    if (!parsed.ok) {
      issues.push({ key: `env ${name}`, reason: parsed.reason });
      continue;
    }
    setPath(tree, binding.path.split("."), parsed.value);
    sources.set(binding.path, `env ${name}`);
  }

  const result = options.schema.safeParse(tree);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map(String);
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          const full = [...path, key].join(".");
          issues.push({ key: describeKey(full, sources, bindings, filePath), reason: "unknown setting" });
        }
        continue;
      }
      const reason =
        issue.code === "invalid_type" && readPath(tree, path) === undefined ? "required but not set" : issue.message;
      issues.push({ key: describeKey(path.join("."), sources, bindings, filePath), reason });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return (result as { data: z.infer<S> }).data;
}

function readConfigFile(filePath: string): Tree {
  let text: string;
  try {
    text = readFileSync(filePath, "utf8");
  } catch (error) {
    throw new ConfigError([{ key: `env ${configFileEnvVar}`, reason: `cannot read ${filePath}: ${message(error)}` }], {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = filePath.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError([{ key: `file ${filePath}`, reason: `not valid YAML/JSON: ${message(error)}` }], {
      cause: error,
    });
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isPlainObject(parsed)) {
    throw new ConfigError([{ key: `file ${filePath}`, reason: "must contain a mapping at the top level" }]);
  }
  return parsed;
}

/** Deep-merges `source` into `target`, reporting every leaf path written. Arrays are leaves. */
function mergeInto(target: Tree, source: Tree, prefix: string[], onLeaf: (path: string) => void): void {
  for (const [key, value] of Object.entries(source)) {
    const path = [...prefix, key];
    if (isPlainObject(value)) {
      const existing = target[key];
      const child: Tree = isPlainObject(existing) ? existing : {};
      target[key] = child;
      mergeInto(child, value, path, onLeaf);
    } else {
      target[key] = value;
      onLeaf(path.join("."));
    }
  }
}

function readPath(tree: Tree, path: readonly string[]): unknown {
  let node: unknown = tree;
  for (const key of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

function setPath(tree: Tree, path: string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isPlainObject(next)) node[key] = {};
    node = node[key] as Tree;
  }
  node[path[path.length - 1]!] = value;
}

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

function parseEnvValue(raw: string, type: NonNullable<EnvBinding["type"]>): Parsed {
  switch (type) {
    case "string":
      return { ok: true, value: raw };
    case "number": {
      const value = Number(raw.trim());
      return raw.trim() !== "" && Number.isFinite(value)
        ? { ok: true, value }
        : { ok: false, reason: `expected a number, got ${JSON.stringify(raw)}` };
    }
    case "boolean": {
      const normalised = raw.trim().toLowerCase();
      if (["true", "1", "yes", "on"].includes(normalised)) return { ok: true, value: true };
      if (["false", "0", "no", "off"].includes(normalised)) return { ok: true, value: false };
      return { ok: false, reason: `expected true/false, got ${JSON.stringify(raw)}` };
    }
    case "list":
      return {
        ok: true,
        value: raw
          .split(",")
          .map((item) => item.trim())
          .filter((item) => item !== ""),
      };
  }
}

/** Names the source of a config path: the env var or file field that set it (or its nearest parent), else where it could be set. */
function describeKey(
  path: string,
  sources: ReadonlyMap<string, string>,
  bindings: Readonly<Record<string, EnvBinding>>,
  filePath: string | undefined,
): string {
  const parts = path.split(".");
  for (let length = parts.length; length > 0; length--) {
    const source = sources.get(parts.slice(0, length).join("."));
    if (source !== undefined) return length === parts.length ? source : `${source} (${path})`;
  }
  const envNames = Object.entries(bindings)
    .filter(
      ([, binding]) =>
        binding.path === path || binding.path.startsWith(`${path}.`) || path.startsWith(`${binding.path}.`),
    )
    .map(([name]) => `env ${name}`);
  const where = [
    ...envNames,
    filePath === undefined ? `${configFileEnvVar} file field ${path}` : `file ${filePath}: ${path}`,
  ];
  return `${path === "" ? "(root)" : path} (set ${where.join(" or ")})`;
}

function isPlainObject(value: unknown): value is Tree {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
