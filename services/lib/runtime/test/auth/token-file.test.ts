import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { createAuthenticator } from "../../src/auth/create-authenticator.ts";
import { disabledAuthenticator } from "../../src/auth/disabled-authenticator.ts";
import { TokenAuthenticator } from "../../src/auth/token-authenticator.ts";
import { loadTokenFile } from "../../src/auth/token-file.ts";
import { grpcConfigSchema } from "../../src/config/base-config-schema.ts";
import { ConfigError } from "../../src/errors/config-error.ts";
import { captureLogger } from "../support/capture-logger.ts";

const dir = mkdtempSync(join(tmpdir(), "token-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");
let n = 0;
function file(text: string, ext = "yaml"): string {
  const path = join(dir, `tokens-${n++}.${ext}`);
  writeFileSync(path, text);
  return path;
}
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("token file", () => {
  test("YAML and JSON files load into principals with tenant scopes and roles", () => {
    const yaml = file(`tokens:
  - name: acme-operator
    sha256: ${sha("a-token")}
    tenants: [acme, acme]
    roles: [write]
  - name: ops-admin
    sha256: ${sha("b-token").toUpperCase()}
    tenants: ["*"]
    roles: [admin]
`);
    const entries = loadTokenFile(yaml);
    expect(entries.map((e) => e.principal)).toEqual([
      { id: "acme-operator", tenants: ["acme"], roles: ["write"] },
      { id: "ops-admin", tenants: "*", roles: ["admin"] },
    ]);
    expect(entries[1]!.digest.equals(createHash("sha256").update("b-token").digest())).toBe(true);
    const json = file(
      JSON.stringify({ tokens: [{ name: "r", sha256: sha("x"), tenants: ["t1"], roles: ["read"] }] }),
      "json",
    );
    expect(loadTokenFile(json)[0]!.principal).toEqual({ id: "r", tenants: ["t1"], roles: ["read"] });
  });

  test("errors name the file and the field", () => {
    const path = file(`tokens:
  - name: ok
    sha256: ${sha("1")}
    tenants: [acme]
    roles: [read]
  - name: bad
    sha256: not-a-hash
    tenants: []
    roles: [superuser]
    extra: 1
`);
    const error = configError(() => loadTokenFile(path));
    const keys = error.issues.map((i) => i.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        `file ${path}: tokens.1.sha256`,
        `file ${path}: tokens.1.tenants`,
        `file ${path}: tokens.1.roles.0`,
        `file ${path}: tokens.1`,
      ]),
    );
    expect(error.message).toContain("sha256sum");
  });

  test("duplicate names and duplicate tokens are rejected, naming both entries", () => {
    const path = file(`tokens:
  - { name: a, sha256: ${sha("same")}, tenants: [x], roles: [read] }
  - { name: a, sha256: ${sha("same")}, tenants: [y], roles: [read] }
`);
    const error = configError(() => loadTokenFile(path));
    expect(error.issues).toEqual([
      { key: `file ${path}: tokens.1.name`, reason: "duplicates tokens.0.name" },
      { key: `file ${path}: tokens.1.sha256`, reason: "same token as tokens.0" },
    ]);
  });

  test("missing, unparsable and non-mapping files name the file", () => {
    const missing = join(dir, "nope.yaml");
    expect(configError(() => loadTokenFile(missing)).issues[0]!.key).toBe(`file ${missing}`);
    const broken = file("tokens: [", "yaml");
    expect(configError(() => loadTokenFile(broken)).issues[0]).toMatchObject({ key: `file ${broken}` });
    const list = file("- a\n- b\n");
    expect(configError(() => loadTokenFile(list)).issues[0]!.key).toBe(`file ${list}: (root)`);
  });
});

describe("createAuthenticator", () => {
  test("tokens mode without a tokens file names GRPC_AUTH_TOKENS_FILE", () => {
    const { logger } = captureLogger();
    const auth = grpcConfigSchema.parse({}).auth;
    expect(auth.mode).toBe("tokens");
    const error = configError(() => createAuthenticator(auth, logger));
    expect(error.message).toContain("GRPC_AUTH_TOKENS_FILE");
  });

  test("tokens mode loads the file; disabled mode warns loudly", () => {
    const { logger, lines } = captureLogger();
    const path = file(`tokens: [{ name: a, sha256: ${sha("t")}, tenants: [x], roles: [read] }]\n`);
    const tokens = createAuthenticator(grpcConfigSchema.parse({ auth: { tokensFile: path } }).auth, logger);
    expect(tokens).toBeInstanceOf(TokenAuthenticator);
    expect((tokens as TokenAuthenticator).size).toBe(1);
    const disabled = createAuthenticator(grpcConfigSchema.parse({ auth: { mode: "disabled" } }).auth, logger);
    expect(disabled).toBe(disabledAuthenticator);
    const warning = lines().find((l) => l.level === 40 || l.level === "warn");
    expect(String(warning?.msg)).toContain("AUTHENTICATION IS DISABLED");
  });
});
