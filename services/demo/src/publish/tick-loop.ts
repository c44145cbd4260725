/** Options of {@link TickLoop}. */
export interface TickLoopOptions {
  readonly periodMs: number;
  /** One tick's work; the next tick is not started before it finished. */
  readonly tick: (nowMs: number) => Promise<void>;
  /** Wall clock (tests pass their own). */
  readonly now?: () => number;
}

/**
 * Runs an async tick every `periodMs` on a fixed schedule (start + k·period, skipping ticks that a slow one
 * overran, never running two at once); `stop` waits for the tick in progress.
 *
 * Why not setInterval: a tick awaits Kafka; overlapping ticks would reorder an asset's readings and pile up
 * sends when the broker is slow.
 */
export class TickLoop {
  readonly #o: TickLoopOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #next = 0;

  constructor(options: TickLoopOptions) {
    this.#o = options;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#next = this.#now();
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  #schedule(): void {
    if (this.#stopped) return;
    const delay = Math.max(0, this.#next - this.#now());
    this.#timer = setTimeout(() => {
      const now = this.#now();
      this.#running = this.#o
        .tick(now)
        .catch(() => undefined)
        .finally(() => {
          this.#running = undefined;
          const period = this.#o.periodMs;
          this.#next += period * Math.max(1, Math.ceil((this.#now() - this.#next) / period));
          this.#schedule();
        });
    }, delay);
  }
}
