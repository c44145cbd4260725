import type { Logger } from "pino";
import { LifecycleStateError } from "../errors/lifecycle-state-error.ts";
import { ShutdownTimeoutError } from "../errors/shutdown-timeout-error.ts";
import { StartupError } from "../errors/startup-error.ts";
import type { LifecycleState } from "./lifecycle-state.ts";

/** A component's part in the lifecycle: how it starts and how it stops (either may be absent). */
export interface LifecycleHook {
  readonly start?: () => Promise<void> | void;
  readonly stop?: () => Promise<void> | void;
}

/** Where signals come from: `process` in services, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: "SIGTERM" | "SIGINT", listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: "SIGTERM" | "SIGINT", listener: (signal: NodeJS.Signals) => void): unknown;
}

/** Options of {@link Lifecycle}. */
export interface LifecycleOptions {
  readonly logger: Logger;
  /** How long shutdown hooks may take in total before the process is forced to exit (ms). */
  readonly graceMs: number;
  /** Ends the process; default flushes the logger, then `process.exit(code)`. */
  readonly exit?: (code: number) => void;
  /** Default `process`. */
  readonly signals?: SignalSource;
}

interface RegisteredHook extends LifecycleHook {
  readonly name: string;
}

/**
 * The one lifecycle of a service: start-up hooks run in registration order, shutdown hooks in reverse order,
 * ONE handler for SIGTERM/SIGINT, and a drain bounded by a grace timeout after which the process is forced to
 * exit with a logged {@link ShutdownTimeoutError}.
 *
 * Why: components registered up front in dependency order (logger → tracing → metrics → Kafka → gRPC) are
 * stopped in the opposite order (stop taking requests, finish and commit the current batch, close the broker,
 * flush traces), so a SIGTERM from Kubernetes loses nothing; readiness reads {@link state}.
 */
export class Lifecycle {
  readonly #logger: Logger;
  readonly #graceMs: number;
  readonly #exit: (code: number) => void;
  readonly #signals: SignalSource;
  readonly #hooks: RegisteredHook[] = [];
  readonly #started: RegisteredHook[] = [];
  #state: LifecycleState = "starting";
  #startCalled = false;
  #shutdown: Promise<number> | undefined;
  #signalListener: ((signal: NodeJS.Signals) => void) | undefined;

  constructor(options: LifecycleOptions) {
    this.#logger = options.logger.child({ component: "lifecycle" });
    this.#graceMs = options.graceMs;
    this.#signals = options.signals ?? process;
    this.#exit =
      options.exit ??
      ((code) => {
        options.logger.flush(() => process.exit(code));
      });
  }

  /** The current state. */
  get state(): LifecycleState {
    return this.#state;
  }

  /**
   * Registers a component: `start` runs during {@link start} after every earlier registration's, `stop` runs at
   * shutdown before every earlier registration's (only if its start ran). Must be called before {@link start}.
   */
  register(name: string, hook: LifecycleHook): void {
    if (this.#startCalled) {
      throw new LifecycleStateError(`cannot register "${name}" after start()`, { details: { hook: name } });
    }
    this.#hooks.push({ name, ...hook });
  }

  /**
   * Runs the start-up hooks in order and enters `running`. If one fails, the components already started are
   * stopped (reverse order, within the grace period) and a {@link StartupError} naming the hook is thrown.
   */
  async start(): Promise<void> {
    if (this.#startCalled) throw new LifecycleStateError("start() called twice");
    this.#startCalled = true;
    for (const hook of this.#hooks) {
      if (this.#state !== "starting") {
        throw new LifecycleStateError(`start-up interrupted: lifecycle is ${this.#state}`);
      }
      const begun = performance.now();
      try {
        await hook.start?.();
      } catch (cause) {
        const error = new StartupError(hook.name, cause);
        this.#logger.error({ err: error }, "start-up failed, stopping what was started");
        await this.shutdown(`start-up failure in ${hook.name}`);
        throw error;
      }
      if (this.#state !== "starting") {
        // Shutdown began while this hook was starting: the drain did not know about it, stop it here.
        await Promise.resolve()
          .then(() => hook.stop?.())
          .catch((error: unknown) => this.#logger.error({ err: error, hook: hook.name }, "shutdown hook failed"));
        throw new LifecycleStateError(`start-up interrupted by shutdown after "${hook.name}" started`);
      }
      this.#started.push(hook);
      this.#logger.debug({ hook: hook.name, ms: Math.round(performance.now() - begun) }, "started");
    }
    if (this.#state === "starting") {
      this.#state = "running";
      this.#logger.info({ hooks: this.#hooks.map((hook) => hook.name) }, "running");
    }
  }

  /**
   * Installs the one SIGTERM/SIGINT handler: the first signal starts {@link shutdown} and then exits with its
   * code; a second signal while stopping forces an immediate exit(1).
   */
  installSignalHandlers(): void {
    if (this.#signalListener !== undefined) return;
    const listener = (signal: NodeJS.Signals): void => {
      if (this.#shutdown !== undefined) {
        this.#logger.error({ signal }, "second signal while stopping, forcing exit");
        this.#exit(1);
        return;
      }
      this.#logger.info({ signal }, "signal received, shutting down");
      void this.shutdown(signal).then((code) => this.#exit(code));
    };
    this.#signalListener = listener;
    this.#signals.on("SIGTERM", listener);
    this.#signals.on("SIGINT", listener);
  }

  /** Removes the signal handler (tests, or a service handing over to another lifecycle). */
  removeSignalHandlers(): void {
    if (this.#signalListener === undefined) return;
    this.#signals.off("SIGTERM", this.#signalListener);
    this.#signals.off("SIGINT", this.#signalListener);
    this.#signalListener = undefined;
  }

  /**
   * Installs the signal handler and starts; on start-up failure logs and exits(1). The usual last line of a
   * service's main.ts.
   */
  async run(): Promise<void> {
    this.installSignalHandlers();
    try {
      await this.start();
    } catch (error) {
      // A signal during start-up is not a start-up failure: the signal's shutdown exits the process.
      if (this.#shutdown !== undefined && error instanceof LifecycleStateError) return;
      this.#logger.fatal({ err: error }, "could not start");
      this.#exit(1);
    }
  }

  /**
   * Stops every started component in reverse order; resolves with the exit code: 0 when every hook finished,
   * 1 when one failed or the grace period ran out (then the pending hooks are logged, and the caller exits).
   * Idempotent: later calls return the same promise.
   */
  shutdown(reason = "shutdown requested"): Promise<number> {
    this.#shutdown ??= this.#drain(reason);
    return this.#shutdown;
  }

  async #drain(reason: string): Promise<number> {
    this.#state = "stopping";
    this.#logger.info({ reason, graceMs: this.#graceMs }, "stopping");
    const pending = new Set<string>();
    let failed = false;
    const stopAll = async (): Promise<void> => {
      for (const hook of [...this.#started].reverse()) {
        if (hook.stop === undefined) continue;
        pending.add(hook.name);
        try {
          await hook.stop();
        } catch (error) {
          failed = true;
          this.#logger.error({ err: error, hook: hook.name }, "shutdown hook failed");
        }
        pending.delete(hook.name);
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.#graceMs);
    });
    const outcome = await Promise.race([stopAll().then(() => "done" as const), timedOut]);
    clearTimeout(timer);
    this.removeSignalHandlers();
    this.#state = "stopped";
    if (outcome === "timeout") {
      const error = new ShutdownTimeoutError(this.#graceMs, [...pending]);
      this.#logger.error({ err: error }, "shutdown grace period exceeded, forcing exit");
      return 1;
    }
    this.#logger.info({ failed }, "stopped");
    return failed ? 1 : 0;
  }
}
