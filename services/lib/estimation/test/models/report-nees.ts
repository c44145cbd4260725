import type { NeesResult } from "./nees-experiment.ts";

/** Print NEES figures when NEES_REPORT=1 (used to fill reports; silent in normal test runs). */
export function reportNees(label: string, r: NeesResult): void {
  if (process.env.NEES_REPORT !== "1") return;
  process.stdout.write(
    `NEES ${label}: average ${r.averageNees.toFixed(3)} in [${r.lower.toFixed(3)}, ${r.upper.toFixed(3)}], ` +
      `${(100 * r.fractionInside).toFixed(1)}% of steps inside\n`,
  );
}
