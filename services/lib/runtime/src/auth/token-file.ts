import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError, type ConfigIssue } from "../errors/config-error.ts";
import { allTenants, type Principal } from "./principal.ts";
import { roles } from "./role.ts";

const tenantName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be a tenant name or '*'");

const tokenEntrySchema = z.strictObject({
  name: z.string().min(1, "must not be empty"),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex digits of SHA-256(token) (printf %s "$TOKEN" | sha256sum)'),
  tenants: z
    .array(z.union([z.literal(allTenants), tenantName]))
    .min(1, "at least one tenant (or '*' for all) is required"),
  roles: z.array(z.enum(roles)).min(1, "at least one role (read, write, admin) is required"),
});

/** The token file: a list of hashed tokens, each with a name, tenant scopes and roles. */
export const tokenFileSchema = z.strictObject({ tokens: z.array(tokenEntrySchema) });

/** One accepted token: the SHA-256 digest of the token and the principal it authenticates. */
export interface TokenEntry {
  /** SHA-256 of the token's UTF-8 bytes (32 bytes). */
  readonly digest: Buffer;
  /** The principal a call presenting the token acts as. */
  readonly principal: Principal;
}

/**
 * Reads and validates a token file (YAML, or JSON when the name ends in `.json`):
 *
 * ```yaml
 * tokens:
 *   - name: acme-operator       # principal id (logs, created_by)
 *     sha256: 9f86d08…          # printf %s "$TOKEN" | sha256sum
 *     tenants: [acme]           # or ["*"] for every tenant
 *     roles: [write]            # read < write < admin
 * ```
 *
 * Why hashes only: the file can be mounted from a secret, read by operators and kept in config repositories
 * without disclosing a usable token. Throws {@link ConfigError} naming the file and field (`file
 * /etc/tokens.yaml: tokens.1.sha256`) for every problem, including duplicate names and duplicate tokens.
 */
export function loadTokenFile(path: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([{ key: `file ${path}`, reason: `cannot read the token file: ${messageOf(error)}` }], {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError([{ key: `file ${path}`, reason: `not valid YAML/JSON: ${messageOf(error)}` }], {
      cause: error,
    });
  }
  const result = tokenFileSchema.safeParse(parsed ?? {});
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        key: `file ${path}: ${issue.path.length === 0 ? "(root)" : issue.path.map(String).join(".")}`,
        reason: issue.code === "unrecognized_keys" ? `unknown field(s) ${issue.keys.join(", ")}` : issue.message,
      })),
    );
  }
  const issues: ConfigIssue[] = [];
  const names = new Map<string, number>();
  const digests = new Map<string, number>();
  result.data.tokens.forEach((entry, index) => {
    const sameName = names.get(entry.name);
    if (sameName !== undefined) {
      issues.push({ key: `file ${path}: tokens.${index}.name`, reason: `duplicates tokens.${sameName}.name` });
    }
    names.set(entry.name, index);
    const digest = entry.sha256.toLowerCase();
    const sameDigest = digests.get(digest);
    if (sameDigest !== undefined) {
      issues.push({ key: `file ${path}: tokens.${index}.sha256`, reason: `same token as tokens.${sameDigest}` });
    }
    digests.set(digest, index);
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return result.data.tokens.map((entry) => ({
    digest: Buffer.from(entry.sha256, "hex"),
    principal: Object.freeze({
      id: entry.name,
      tenants: entry.tenants.includes(allTenants) ? allTenants : Object.freeze([...new Set(entry.tenants)]),
      roles: Object.freeze([...new Set(entry.roles)]),
    }),
  }));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
