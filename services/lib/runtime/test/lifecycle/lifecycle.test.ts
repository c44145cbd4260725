import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "@jest/globals";
import { LifecycleStateError } from "../../src/errors/lifecycle-state-error.ts";
import { StartupError } from "../../src/errors/startup-error.ts";
import { Lifecycle } from "../../src/lifecycle/lifecycle.ts";
import type { LifecycleState } from "../../src/lifecycle/lifecycle-state.ts";
import { captureLogger } from "../support/capture-logger.ts";

function setup(graceMs = 1000) {
  const { logger, lines } = captureLogger();
  const signals = new EventEmitter();
  const exits: number[] = [];
  let exited: (code: number) => void = () => undefined;
  const exitedOnce = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const lifecycle = new Lifecycle({
    logger,
    graceMs,
    signals,
    exit: (code) => {
      exits.push(code);
      exited(code);
    },
  });
  return { lifecycle, signals, exits, exitedOnce, lines };
}

describe("Lifecycle", () => {
  test("starts hooks in order, stops them in reverse, and moves through the states", async () => {
    const { lifecycle } = setup();
    const calls: string[] = [];
    const states: LifecycleState[] = [];
    for (const name of ["config", "kafka", "grpc"]) {
      lifecycle.register(name, {
        start: async () => {
          states.push(lifecycle.state);
          calls.push(`start ${name}`);
        },
        stop: async () => {
          states.push(lifecycle.state);
          calls.push(`stop ${name}`);
        },
      });
    }
    expect(lifecycle.state).toBe("starting");
    await lifecycle.start();
    expect(lifecycle.state).toBe("running");
    expect(await lifecycle.shutdown("test")).toBe(0);
    expect(lifecycle.state).toBe("stopped");
    expect(calls).toEqual(["start config", "start kafka", "start grpc", "stop grpc", "stop kafka", "stop config"]);
    expect(states).toEqual(["starting", "starting", "starting", "stopping", "stopping", "stopping"]);
  });

  test("a failing start-up hook is wrapped with its name and only started components are stopped", async () => {
    const { lifecycle } = setup();
    const calls: string[] = [];
    lifecycle.register("metrics", {
      start: () => void calls.push("start metrics"),
      stop: () => void calls.push("stop metrics"),
    });
    lifecycle.register("kafka", {
      start: () => {
        throw new Error("ECONNREFUSED 127.0.0.1:9092");
      },
      stop: () => void calls.push("stop kafka"),
    });
    lifecycle.register("grpc", {
      start: () => void calls.push("start grpc"),
      stop: () => void calls.push("stop grpc"),
    });
    const error = await lifecycle.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).hook).toBe("kafka");
    expect((error as StartupError).message).toBe('start-up hook "kafka" failed: ECONNREFUSED 127.0.0.1:9092');
    expect(calls).toEqual(["start metrics", "stop metrics"]);
    expect(lifecycle.state).toBe("stopped");
  });

  test("run() exits 1 when start-up fails", async () => {
    const { lifecycle, exitedOnce, lines } = setup();
    lifecycle.register("broken", {
      start: () => {
        throw new Error("nope");
      },
    });
    await lifecycle.run();
    expect(await exitedOnce).toBe(1);
    expect(lines().some((line) => line.msg === "could not start" && line.level === "fatal")).toBe(true);
  });

  test("registering after start and starting twice are state errors", async () => {
    const { lifecycle } = setup();
    await lifecycle.start();
    expect(() => lifecycle.register("late", {})).toThrow(LifecycleStateError);
    await expect(lifecycle.start()).rejects.toThrow(LifecycleStateError);
  });

  test("one signal handler: SIGTERM drains and exits 0; handlers are removed afterwards", async () => {
    const { lifecycle, signals, exitedOnce } = setup();
    let stopped = false;
    lifecycle.register("worker", {
      stop: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        stopped = true;
      },
    });
    lifecycle.installSignalHandlers();
    lifecycle.installSignalHandlers(); // idempotent: still one handler
    expect(signals.listenerCount("SIGTERM")).toBe(1);
    expect(signals.listenerCount("SIGINT")).toBe(1);
    await lifecycle.start();
    signals.emit("SIGTERM", "SIGTERM");
    expect(lifecycle.state).toBe("stopping");
    expect(await exitedOnce).toBe(0);
    expect(stopped).toBe(true);
    expect(signals.listenerCount("SIGTERM")).toBe(0);
  });

  test("a signal during start-up stops what started (including the hook starting then) and exits 0", async () => {
    const { lifecycle, signals, exitedOnce, exits } = setup();
    const calls: string[] = [];
    let finishStart: () => void = () => undefined;
    lifecycle.register("metrics", {
      start: () => void calls.push("start metrics"),
      stop: () => void calls.push("stop metrics"),
    });
    lifecycle.register("kafka", {
      start: () =>
        new Promise<void>((resolve) => {
          finishStart = resolve;
        }),
      stop: () => void calls.push("stop kafka"),
    });
    lifecycle.register("grpc", {
      start: () => void calls.push("start grpc"),
      stop: () => void calls.push("stop grpc"),
    });
    const running = lifecycle.run();
    await new Promise((resolve) => setImmediate(resolve));
    signals.emit("SIGTERM", "SIGTERM");
    expect(await exitedOnce).toBe(0);
    finishStart();
    await running;
    expect(calls).toEqual(["start metrics", "stop metrics", "stop kafka"]);
    expect(exits).toEqual([0]);
  });

  test("a second signal while draining forces exit(1)", async () => {
    const { lifecycle, signals, exits } = setup(5000);
    let release: () => void = () => undefined;
    lifecycle.register("slow", { stop: () => new Promise<void>((resolve) => (release = resolve)) });
    lifecycle.installSignalHandlers();
    await lifecycle.start();
    signals.emit("SIGINT", "SIGINT");
    signals.emit("SIGINT", "SIGINT");
    expect(exits).toEqual([1]);
    release();
    await lifecycle.shutdown();
  });

  test("hooks that outlive the grace period are logged as a SHUTDOWN_TIMEOUT and the exit code is 1", async () => {
    const { lifecycle, lines } = setup(100);
    const calls: string[] = [];
    lifecycle.register("fast", { stop: () => void calls.push("stop fast") });
    lifecycle.register("stuck", { stop: () => new Promise<void>(() => undefined) });
    await lifecycle.start();
    const begun = Date.now();
    expect(await lifecycle.shutdown()).toBe(1);
    expect(Date.now() - begun).toBeLessThan(2000);
    expect(calls).toEqual([]); // "fast" is after "stuck" in reverse order and never ran
    const timeout = lines().find((line) => (line.err as { code?: string } | undefined)?.code === "SHUTDOWN_TIMEOUT");
    expect(timeout).toBeDefined();
    expect((timeout!.err as { details: { pendingHooks: string[] } }).details.pendingHooks).toEqual(["stuck"]);
  });

  test("a failing stop hook is logged, the others still run, and the exit code is 1", async () => {
    const { lifecycle, lines } = setup();
    const calls: string[] = [];
    lifecycle.register("a", { stop: () => void calls.push("stop a") });
    lifecycle.register("b", {
      stop: () => {
        throw new Error("close failed");
      },
    });
    await lifecycle.start();
    expect(await lifecycle.shutdown()).toBe(1);
    expect(calls).toEqual(["stop a"]);
    expect(lines().some((line) => line.msg === "shutdown hook failed" && line.hook === "b")).toBe(true);
  });
});

describe("Lifecycle in a real process", () => {
  const fixture = fileURLToPath(new URL("../fixtures/lifecycle-child.ts", import.meta.url));

  function runChild(env: Record<string, string>, signal: NodeJS.Signals) {
    const child = spawn(process.execPath, [fixture], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("running\n") && !child.killed) child.kill(signal);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const begun = Date.now();
    return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) => {
      child.on("exit", (code) => resolve({ code, stdout, stderr, ms: Date.now() - begun }));
    });
  }

  test("SIGTERM stops the components and the process exits 0", async () => {
    const result = await runChild({ STOP_MS: "50" }, "SIGTERM");
    expect(result.stderr).toContain('"signal":"SIGTERM"');
    expect(result.stdout).toContain("worker stopped");
    expect(result.code).toBe(0);
  });

  test("a stop hook that hangs is cut off at the grace period and the process exits 1", async () => {
    const result = await runChild({ STOP_MS: "never", GRACE_MS: "300" }, "SIGINT");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("SHUTDOWN_TIMEOUT");
    expect(result.stdout).not.toContain("worker stopped");
  });
});
