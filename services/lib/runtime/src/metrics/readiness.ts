/** What a readiness check returns: `true`/`false`, or a verdict with the reason it is not ready. */
export type ReadinessVerdict = boolean | { readonly ok: boolean; readonly reason?: string };

/** A named condition that must hold for the service to take traffic (e.g. "the broker connection is up"). */
export type ReadinessCheck = () => ReadinessVerdict | Promise<ReadinessVerdict>;

/** The outcome of one check. */
export interface ReadinessCheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly reason?: string;
}

/** The outcome of {@link Readiness.evaluate}. */
export interface ReadinessReport {
  readonly ready: boolean;
  /** The lifecycle state seen (ready only in `running`). */
  readonly state: string;
  readonly checks: readonly ReadinessCheckResult[];
}

/** Options of {@link Readiness}. */
export interface ReadinessOptions {
  /** Current lifecycle state; the service is ready only while it is `running`. */
  readonly state: () => string;
  /** A check taking longer than this fails (default 2000 ms), so `/readyz` always answers. */
  readonly checkTimeoutMs?: number;
}

/**
 * Readiness = the lifecycle is `running` AND every registered check passes.
 *
 * Why: Kubernetes should route traffic (and count a replica as available) only once start-up finished and the
 * dependencies a service cannot work without (the broker) are reachable, and stop as soon as draining begins.
 */
export class Readiness {
  readonly #state: () => string;
  readonly #timeoutMs: number;
  readonly #checks = new Map<string, ReadinessCheck>();

  constructor(options: ReadinessOptions) {
    this.#state = options.state;
    this.#timeoutMs = options.checkTimeoutMs ?? 2000;
  }

  /** Registers a named check; a second check with the same name replaces the first. */
  addCheck(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
  }

  /** Runs every check (concurrently, each with a timeout) and reports. */
  async evaluate(): Promise<ReadinessReport> {
    const state = this.#state();
    const checks = await Promise.all([...this.#checks].map(([name, check]) => this.#run(name, check)));
    const lifecycleOk = state === "running";
    return { ready: lifecycleOk && checks.every((check) => check.ok), state, checks };
  }

  async #run(name: string, check: ReadinessCheck): Promise<ReadinessCheckResult> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<ReadinessVerdict>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, reason: `timed out after ${this.#timeoutMs} ms` }),
          this.#timeoutMs,
        );
      });
      const verdict = await Promise.race([Promise.resolve().then(check), timeout]);
      if (typeof verdict === "boolean")
        return verdict ? { name, ok: true } : { name, ok: false, reason: "check failed" };
      return verdict.ok ? { name, ok: true } : { name, ok: false, reason: verdict.reason ?? "check failed" };
    } catch (error) {
      return { name, ok: false, reason: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}
