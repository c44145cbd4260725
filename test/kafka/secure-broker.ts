/**
 * Starts the project's local KRaft broker in secure mode (`scripts/kafka/start.sh --secure`) for the Kafka
 * security tests: its own ports and data dir, wiped at each run so the TLS material and SCRAM users are fresh,
 * separate from the shared integration broker of the global setup (which stays PLAINTEXT).
 *
 * Several test runs may share one machine: each claims its block of four ports (PLAINTEXT, CONTROLLER,
 * SASL_SSL, SSL) with an exclusive lock file holding its pid and moves to the next block when a live run
 * holds one, as test/broker.ts does for the shared broker.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const kafkaDir = join(root, ".kafka");

/** First port of the blocks tried; clear of the shared test broker's 19092..19111. */
export const DEFAULT_SECURE_TEST_KAFKA_PORT = 19192;

/** A running secure broker: where its listeners are, the client material start.sh printed, and how to stop it. */
export interface SecureBroker {
  /** PLAINTEXT bootstrap address (for test set-up only). */
  readonly plaintext: string;
  /** SASL_SSL bootstrap address (SCRAM-SHA-256, SCRAM-SHA-512, PLAIN). */
  readonly saslSsl: string;
  /** SSL bootstrap address with required client certificates (mTLS). */
  readonly ssl: string;
  /** The throwaway CA that signed the broker and client certificates (PEM file). */
  readonly caFile: string;
  /** A client certificate and key signed by that CA (PEM files). */
  readonly certFile: string;
  readonly keyFile: string;
  /** The SASL user and its password. */
  readonly username: string;
  readonly password: string;
  /** The broker's data dir. */
  readonly dataDir: string;
  /** Seconds start.sh took (provisioning, TLS material, format, start, readiness). */
  readonly startSeconds: number;
  /** Stops the broker, removes its data dir and releases the ports. */
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock file exclusively for this process, replacing it when its holder is dead. */
function claim(lock: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(lock, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) return false;
      rmSync(lock, { force: true });
    }
  }
  return false;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolvePort(false);
    });
    socket.once("error", () => resolvePort(true));
  });
}

/** The `KEY=VALUE` lines start.sh --secure prints before the bootstrap address. */
function parseAnnouncement(stdout: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match !== null) values.set(match[1]!, match[2]!);
  }
  return values;
}

function required(values: ReadonlyMap<string, string>, key: string): string {
  const value = values.get(key);
  if (value === undefined || value === "") throw new Error(`start.sh --secure printed no ${key}`);
  return value;
}

/** Starts a secure broker on the first free block of four ports (see the module comment). */
export async function startSecureBroker(): Promise<SecureBroker> {
  mkdirSync(kafkaDir, { recursive: true });
  const base = Number(process.env.TWINSTATE_TEST_SECURE_KAFKA_PORT ?? DEFAULT_SECURE_TEST_KAFKA_PORT);
  for (let port = base; port < base + 40; port += 4) {
    const lock = join(kafkaDir, `secure-test-${port}.lock`);
    if (!claim(lock)) continue;
    const dataDir = join(kafkaDir, `secure-test-${port}`);
    const env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_DATA_DIR: dataDir,
      KAFKA_SECURE: "1",
      KAFKA_HEAP_OPTS: process.env.KAFKA_HEAP_OPTS ?? "-Xms128m -Xmx512m",
    };
    const release = async (): Promise<void> => {
      try {
        await run(join(root, "scripts/kafka/stop.sh"), [], { env });
        rmSync(dataDir, { recursive: true, force: true });
      } finally {
        rmSync(lock, { force: true });
      }
    };
    try {
      // A broker left by a run that was killed before its teardown: stop it, then start from empty.
      await run(join(root, "scripts/kafka/stop.sh"), [], { env });
      const ports = [port, port + 1, port + 2, port + 3];
      if (!(await Promise.all(ports.map(portFree))).every(Boolean)) {
        rmSync(lock, { force: true });
        continue;
      }
      rmSync(dataDir, { recursive: true, force: true });
      const started = Date.now();
      const { stdout } = await run(join(root, "scripts/kafka/start.sh"), [], { env, maxBuffer: 1 << 20 });
      const values = parseAnnouncement(stdout);
      return {
        plaintext: stdout.trim().split("\n").at(-1) ?? `127.0.0.1:${port}`,
        saslSsl: required(values, "KAFKA_SASL_SSL_BROKERS"),
        ssl: required(values, "KAFKA_SSL_BROKERS"),
        caFile: required(values, "KAFKA_TLS_CA_FILE"),
        certFile: required(values, "KAFKA_TLS_CERT_FILE"),
        keyFile: required(values, "KAFKA_TLS_KEY_FILE"),
        username: required(values, "KAFKA_SASL_USERNAME"),
        password: readFileSync(required(values, "KAFKA_SASL_PASSWORD_FILE"), "utf8").trim(),
        dataDir,
        startSeconds: (Date.now() - started) / 1000,
        stop: release,
      };
    } catch (error) {
      await release().catch(() => undefined);
      const stderr = (error as { stderr?: string }).stderr;
      throw new Error(`starting the secure test broker on port ${port} failed${stderr ? `:\n${stderr}` : ""}`, {
        cause: error,
      });
    }
  }
  throw new Error(`no free block of four ports for a secure test broker in ${base}..${base + 39}`);
}

/**
 * Makes a second, unrelated set of TLS material (its own CA, broker and client certificates) with the same
 * script, for the negative cases: a CA that did not sign the broker, a client certificate the broker does
 * not trust. Returns the PEM files; the caller removes `dir`.
 */
export async function unrelatedTlsMaterial(
  dir: string,
): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  rmSync(dir, { recursive: true, force: true });
  await run(join(root, "scripts/kafka/secure-material.sh"), [dir]);
  return { caFile: join(dir, "ca.crt"), certFile: join(dir, "client.crt"), keyFile: join(dir, "client.key") };
}
