/**
 * Caps the distinct values of one metric label: the first `max` values seen are kept, every later one is
 * reported as `other`.
 *
 * Why: tenant and contract ids come from input; without a cap a flood of bogus tenants would create unbounded
 * time series in Prometheus. First-come keeps existing series stable (a value never changes bucket).
 */
export class BoundedLabelValues {
  readonly #max: number;
  readonly #seen = new Set<string>();

  constructor(max: number) {
    this.#max = max;
  }

  /** The label value to use for `value`: itself while under the cap (or already seen), else `other`. */
  of(value: string): string {
    if (this.#seen.has(value)) return value;
    if (this.#seen.size >= this.#max) return OTHER_LABEL;
    this.#seen.add(value);
    return value;
  }
}

/** The label value that collects everything over the cap. */
export const OTHER_LABEL = "other";
