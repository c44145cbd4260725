import { type BackoffOptions, backoffDelayMs, defaultBackoff } from "./backoff-schedule.ts";

/** One queued notification. */
export interface QueuedItem<T> {
  readonly payload: T;
  /** Items with the same key replace each other while waiting (the newest wins); undefined never coalesces. */
  readonly coalesceKey?: string;
  /** Called once when the item leaves the queue: delivered, replaced by a newer one or dropped on overflow. */
  readonly onSettled?: (outcome: "delivered" | "replaced" | "dropped") => void;
}

/** What the queue reports, for metrics. */
export interface RetryQueueEvents {
  sent?(count: number): void;
  failed?(error: unknown, attempt: number): void;
  retried?(): void;
  dropped?(): void;
  depth?(depth: number): void;
}

/** Options of {@link RetryQueue}. */
export interface RetryQueueOptions<T> {
  /** Most items waiting; an offer beyond it is dropped (and counted). */
  readonly capacity: number;
  /** Most items handed to one `send`. */
  readonly maxBatch: number;
  /** Delivers a batch; a rejection retries the same batch after a backoff. */
  readonly send: (payloads: readonly T[], attempt: number) => Promise<void>;
  readonly backoff?: BackoffOptions;
  readonly events?: RetryQueueEvents;
  readonly random?: () => number;
}

/**
 * A bounded, in-order delivery queue for one route with unlimited retries and exponential backoff.
 *
 * Why per route: a failing receiver only grows its own queue; other routes keep delivering. Why unlimited
 * retries: an alert is never given up on while the queue has room; the bound (`capacity`) is the only way an
 * item is dropped, and every drop is reported. Items go out in offer order (a resolve never overtakes its
 * firing), `maxBatch` at a time, one batch in flight.
 */
export class RetryQueue<T> {
  readonly #o: RetryQueueOptions<T>;
  readonly #items: QueuedItem<T>[] = [];
  #inFlight: readonly QueuedItem<T>[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #stopped = false;
  #idle: (() => void)[] = [];

  constructor(options: RetryQueueOptions<T>) {
    this.#o = options;
  }

  /** Items waiting or in flight. */
  get depth(): number {
    return this.#items.length + this.#inFlight.length;
  }

  /** Queues an item; returns false (and settles it as dropped) when the queue is full. */
  offer(item: QueuedItem<T>): boolean {
    if (this.#stopped) return false;
    if (item.coalesceKey !== undefined) {
      const i = this.#items.findIndex((x) => x.coalesceKey === item.coalesceKey);
      if (i >= 0) {
        const old = this.#items[i]!;
        this.#items[i] = item;
        old.onSettled?.("replaced");
        this.#kick();
        return true;
      }
    }
    if (this.#items.length >= this.#o.capacity) {
      this.#o.events?.dropped?.();
      item.onSettled?.("dropped");
      return false;
    }
    this.#items.push(item);
    this.#o.events?.depth?.(this.depth);
    this.#kick();
    return true;
  }

  /** Resolves when nothing is waiting or in flight (tests, graceful shutdown). */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stops retrying (pending items stay undelivered; their offsets stay uncommitted upstream). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #kick(): void {
    if (this.#running || this.#timer !== undefined || this.#stopped) return;
    void this.#drain(1);
  }

  async #drain(attempt: number): Promise<void> {
    this.#running = true;
    this.#timer = undefined;
    while (!this.#stopped) {
      if (this.#inFlight.length === 0) this.#inFlight = this.#items.splice(0, this.#o.maxBatch);
      if (this.#inFlight.length === 0) break;
      try {
        await this.#o.send(
          this.#inFlight.map((i) => i.payload),
          attempt,
        );
      } catch (error) {
        this.#o.events?.failed?.(error, attempt);
        if (this.#stopped) break;
        this.#o.events?.retried?.();
        this.#running = false;
        this.#timer = setTimeout(
          () => void this.#drain(attempt + 1),
          backoffDelayMs(attempt, this.#o.backoff ?? defaultBackoff, this.#o.random),
        );
        this.#timer.unref();
        return;
      }
      const done = this.#inFlight;
      this.#inFlight = [];
      attempt = 1;
      this.#o.events?.sent?.(done.length);
      this.#o.events?.depth?.(this.depth);
      for (const item of done) item.onSettled?.("delivered");
    }
    this.#running = false;
    if (this.depth === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }
}
