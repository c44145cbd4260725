/**
 * A real Prometheus Alertmanager for a test file: reuses the one at `ALERTMANAGER_URL` when set, otherwise starts
 * Debian's prometheus-alertmanager through scripts/alertmanager/start.sh on a free loopback port with a fresh
 * data dir under the OS temp dir, and stops it (stop.sh) afterwards.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../../..");

/** A running Alertmanager and how to release it. */
export interface AlertmanagerFixture {
  readonly url: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/** Starts (or reuses) an Alertmanager. */
export async function startAlertmanager(): Promise<AlertmanagerFixture> {
  const existing = process.env.ALERTMANAGER_URL;
  if (existing !== undefined && existing !== "") return { url: existing.replace(/\/+$/, ""), stop: async () => {} };
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), "twinstate-am-"));
  const script = (name: string) => join(root, "scripts/alertmanager", name);
  const { stdout } = await run(script("start.sh"), ["--port", String(port), "--data-dir", data], { timeout: 60_000 });
  return {
    url: stdout.trim().split("\n").pop()!,
    stop: async () => {
      await run(script("stop.sh"), ["--port", String(port), "--data-dir", data], { timeout: 30_000 });
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value (not undefined) or the timeout passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last === undefined ? "" : `: ${String(last)}`}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
