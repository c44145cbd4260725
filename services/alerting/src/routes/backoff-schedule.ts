/** Options of {@link backoffDelayMs}. */
export interface BackoffOptions {
  /** Delay before the first retry (ms). */
  readonly initialMs: number;
  /** Cap on any delay (ms). */
  readonly maxMs: number;
  /** Growth factor per attempt (≥ 1). */
  readonly multiplier: number;
  /** Share of the delay that is randomized, in [0, 1]: delay · (1 − jitter · u), u uniform in [0, 1). */
  readonly jitter: number;
}

/** Default: 0.5 s, doubling, capped at 60 s, up to 20 % jitter. */
export const defaultBackoff: BackoffOptions = { initialMs: 500, maxMs: 60_000, multiplier: 2, jitter: 0.2 };

/**
 * Delay before retry number `attempt` (1 = first retry): min(maxMs, initialMs · multiplier^(attempt−1)),
 * reduced by a random share of up to `jitter`.
 *
 * Why jitter downwards ("equal jitter" style): many notifications that failed together (a receiver outage)
 * spread out instead of retrying in lockstep, and no delay ever exceeds the cap. `random` is injectable so
 * tests check the schedule exactly.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(options.maxMs, options.initialMs * options.multiplier ** exponent);
  return Math.round(base * (1 - options.jitter * random()));
}
