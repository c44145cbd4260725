/** What {@link watchCommitted} measured. */
export interface CommittedRate {
  /** Readings/s between the moments 10% and 90% of the total were committed. */
  readonly readingsPerS: number;
  /** Seconds between those two moments. */
  readonly steadySeconds: number;
  /** Seconds from the call until everything was committed (group join and start-up included). */
  readonly totalSeconds: number;
}

/**
 * Polls a service's committed input count until it reaches `total` and returns its steady rate: the slope between
 * the first observations at or past 10% and 90% of the total.
 *
 * Why not first to last commit: transactions already in flight at the first commit (up to one per partition
 * processed concurrently, thousands of readings each) were started before the clock, which overstated short runs;
 * between 10% and 90% the work in flight at both ends is alike, so it cancels.
 */
export async function watchCommitted(
  committed: () => Promise<number>,
  total: number,
  timeoutMs = 600_000,
): Promise<CommittedRate> {
  const begun = performance.now();
  let low: { at: number; count: number } | undefined;
  let high: { at: number; count: number } | undefined;
  for (;;) {
    const count = await committed();
    const at = performance.now();
    if (low === undefined && count >= 0.1 * total) low = { at, count };
    if (high === undefined && count >= 0.9 * total) high = { at, count };
    if (count >= total) break;
    if (at - begun > timeoutMs) throw new Error(`committed ${count} of ${total} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const end = performance.now();
  if (low === undefined || high === undefined || high.at <= low.at) {
    throw new Error("the run was too short to measure a steady rate (raise BENCH_READINGS)");
  }
  const steadySeconds = (high.at - low.at) / 1000;
  return {
    readingsPerS: Math.round((high.count - low.count) / steadySeconds),
    steadySeconds,
    totalSeconds: (end - begun) / 1000,
  };
}
