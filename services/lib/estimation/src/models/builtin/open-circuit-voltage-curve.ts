import { ModelParameterError } from "./model-parameter-error.ts";

/**
 * A battery's open-circuit voltage as a function of state of charge, OCV(soc), from a table of
 * (soc, volts) points: linear interpolation between points, clamped (flat) outside the table.
 *
 * The table must have at least two points with strictly increasing soc and finite volts. `slope(soc)` is
 * the derivative of that piecewise-linear curve (0 outside the table; the right-hand segment's slope at a
 * breakpoint), which is what the terminal-voltage measurement's Jacobian uses.
 */
export class OpenCircuitVoltageCurve {
  readonly soc: Float64Array;
  readonly volts: Float64Array;

  constructor(points: readonly (readonly [soc: number, volts: number])[]) {
    if (points.length < 2) throw new ModelParameterError("ocv_curve", "points", "invalid", "needs at least 2 points");
    this.soc = new Float64Array(points.length);
    this.volts = new Float64Array(points.length);
    for (let i = 0; i < points.length; i++) {
      const [s, v] = points[i];
      if (!Number.isFinite(s) || !Number.isFinite(v)) {
        throw new ModelParameterError("ocv_curve", `points[${i}]`, "not_finite", "must be two finite numbers");
      }
      if (i > 0 && !(s > points[i - 1][0])) {
        throw new ModelParameterError("ocv_curve", `points[${i}]`, "invalid", "soc must be strictly increasing");
      }
      this.soc[i] = s;
      this.volts[i] = v;
    }
  }

  /** Index i of the segment [soc[i], soc[i+1]) holding s (callers clamp first). */
  #segment(s: number): number {
    const xs = this.soc;
    let lo = 0;
    let hi = xs.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] <= s) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** OCV(soc), volts. */
  value(s: number): number {
    const xs = this.soc;
    const last = xs.length - 1;
    if (s <= xs[0]) return this.volts[0];
    if (s >= xs[last]) return this.volts[last];
    const i = this.#segment(s);
    const w = (s - xs[i]) / (xs[i + 1] - xs[i]);
    return this.volts[i] + w * (this.volts[i + 1] - this.volts[i]);
  }

  /** dOCV/dsoc at soc, volts per unit soc (0 outside the table). */
  slope(s: number): number {
    const xs = this.soc;
    if (s < xs[0] || s >= xs[xs.length - 1]) return 0;
    const i = this.#segment(s);
    return (this.volts[i + 1] - this.volts[i]) / (xs[i + 1] - xs[i]);
  }

  /** The table as (soc, volts) pairs. */
  points(): [number, number][] {
    return Array.from(this.soc, (s, i) => [s, this.volts[i]] as [number, number]);
  }
}
