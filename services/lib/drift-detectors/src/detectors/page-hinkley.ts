import type { ChangeDirection, DetectorResult, DetectorState, DriftDetector, ScalarSample } from "../detector.ts";
import { InvalidDetectorConfigError } from "../errors/invalid-detector-config-error.ts";
import { NonFiniteSampleError } from "../errors/non-finite-sample-error.ts";
import { positionOf } from "../position-of.ts";
import { type SeverityBands, severityFromRatio } from "../severity-from-ratio.ts";
import { DetectorKind } from "../state/detector-kind.ts";
import { StateReader } from "../state/state-reader.ts";
import { StateWriter } from "../state/state-writer.ts";
import { siegmundArl } from "../statistics/cusum-arl.ts";
import { solveThresholdForArl } from "../statistics/solve-threshold-for-arl.ts";

/** Which changes of the mean Page-Hinkley watches (River's `mode`). */
export type PageHinkleyMode = "up" | "down" | "both";

const MODE_CODE = { up: 0, down: 1, both: 2 } as const;
const MODE_BY_CODE: readonly PageHinkleyMode[] = ["up", "down", "both"];

/** Page-Hinkley parameters; defaults are River's. Give `arl0` instead of `threshold` to calibrate. */
export interface PageHinkleyConfig {
  readonly name?: string;
  /** Samples (counted since the last reset) before a detection may be signalled. River: 30. */
  readonly minInstances?: number;
  /** Magnitude of change tolerated, δ (in the input's units). River: 0.005. */
  readonly delta?: number;
  /** Detection threshold λ. River: 50. */
  readonly threshold?: number;
  /**
   * Target in-control average run length; when set, λ is derived from it (see `pageHinkleyThresholdForArl`)
   * and `threshold` is ignored. Assumes unit-variance input (normalized innovations).
   */
  readonly arl0?: number;
  /** Forgetting factor α applied to the cumulative sums. River: 1 − 0.0001. */
  readonly alpha?: number;
  readonly mode?: PageHinkleyMode;
  /** Bands on the estimated mean shift |μ̂₁ − μ̂₀| (input units) for severity. Default {1, 3}. */
  readonly severity?: SeverityBands;
}

/**
 * Page-Hinkley threshold λ for a target in-control ARL₀ on unit-variance input.
 *
 * Approach: with α → 1 and the running mean x̄ equal to the true mean, the Page-Hinkley increase statistic
 * m_T − min m_t is exactly a one-sided CUSUM with reference value k = δ, so Siegmund's approximation gives
 * ARL(λ); "both" combines the sides as 1/ARL = 1/ARL⁺ + 1/ARL⁻ and λ is found by bisection. The running
 * mean (estimated since the last reset) makes the real ARL somewhat longer than this (conservative); the
 * calibration test measures it by simulation.
 */
export function pageHinkleyThresholdForArl(arl0: number, delta: number, mode: PageHinkleyMode): number {
  if (!(delta > 0)) throw new InvalidDetectorConfigError("ARL calibration needs delta > 0", { delta });
  return solveThresholdForArl((h) => (mode === "both" ? siegmundArl(delta, h) / 2 : siegmundArl(delta, h)), arl0);
}

/**
 * Page-Hinkley test for a change in the mean, reproducing River's `drift.PageHinkley` exactly (including
 * its quirk that the decrease maximum starts at −1 rather than −∞).
 *
 * With x̄_T the running mean since the last reset (River's `stats.Mean`: n += 1, x̄ += (1/n)(x − x̄)):
 *
 *   m⁺_T = α m⁺_{T−1} + (x_T − x̄_T − δ),   M⁺_T = min_t m⁺_t,   PH⁺_T = m⁺_T − M⁺_T
 *   m⁻_T = α m⁻_{T−1} + (x_T − x̄_T + δ),   M⁻_T = max(−1, max_t m⁻_t), PH⁻_T = M⁻_T − m⁻_T
 *
 * and a change is signalled when n ≥ min_instances and PH⁺_T > λ ("up"), PH⁻_T > λ ("down"), or either
 * ("both"). After a detection the detector resets completely.
 *
 * Page, E. S. (1954). Continuous inspection schemes. Biometrika 41(1/2), 100–115; Hinkley, D. V. (1971).
 * Inference about the change-point from cumulative sum tests. Biometrika 58(3), 509–523.
 */
export class PageHinkley implements DriftDetector<ScalarSample> {
  readonly name: string;
  readonly minInstances: number;
  readonly delta: number;
  readonly threshold: number;
  readonly alpha: number;
  readonly mode: PageHinkleyMode;
  readonly severityBands: SeverityBands;

  private n = 0;
  private mean = 0;
  private sumIncrease = 0;
  private sumDecrease = 0;
  private minIncrease = Number.POSITIVE_INFINITY;
  private maxDecrease = -1;
  /** Position of the sample after the current argmin of m⁺ (onset estimate for an increase). */
  private onsetUpIndex = 0;
  private onsetUpTime = Number.NaN;
  private onsetDownIndex = 0;
  private onsetDownTime = Number.NaN;
  private seen = 0;
  private detections = 0;

  constructor(config: PageHinkleyConfig = {}) {
    this.name = config.name ?? "page_hinkley";
    this.minInstances = config.minInstances ?? 30;
    this.delta = config.delta ?? 0.005;
    this.alpha = config.alpha ?? 1 - 0.0001;
    this.mode = config.mode ?? "both";
    this.severityBands = config.severity ?? { warning: 1, critical: 3 };
    if (!(this.mode in MODE_CODE)) {
      throw new InvalidDetectorConfigError(`invalid Page-Hinkley mode ${String(this.mode)}`, { mode: this.mode });
    }
    if (!(this.alpha > 0 && this.alpha <= 1)) {
      throw new InvalidDetectorConfigError("Page-Hinkley alpha must be in (0, 1]", { alpha: this.alpha });
    }
    if (!(this.delta >= 0))
      throw new InvalidDetectorConfigError("Page-Hinkley delta must be ≥ 0", { delta: this.delta });
    this.threshold =
      config.arl0 !== undefined
        ? pageHinkleyThresholdForArl(config.arl0, this.delta, this.mode)
        : (config.threshold ?? 50);
    if (!(this.threshold > 0)) {
      throw new InvalidDetectorConfigError("Page-Hinkley threshold must be > 0", { threshold: this.threshold });
    }
  }

  update(sample: ScalarSample): DetectorResult | undefined {
    const x = sample.value;
    if (!Number.isFinite(x)) throw new NonFiniteSampleError("Page-Hinkley sample is not finite", { value: x });
    this.seen++;
    this.n += 1;
    this.mean += (1 / this.n) * (x - this.mean);
    const dev = x - this.mean;
    this.sumIncrease = this.alpha * this.sumIncrease + dev - this.delta;
    this.sumDecrease = this.alpha * this.sumDecrease + dev + this.delta;
    if (this.sumIncrease < this.minIncrease) {
      this.minIncrease = this.sumIncrease;
      this.onsetUpIndex = sample.index + 1;
      this.onsetUpTime = Number.NaN;
    }
    if (this.sumDecrease > this.maxDecrease) {
      this.maxDecrease = this.sumDecrease;
      this.onsetDownIndex = sample.index + 1;
      this.onsetDownTime = Number.NaN;
    }
    if (this.onsetUpIndex === sample.index && Number.isNaN(this.onsetUpTime) && sample.time !== undefined) {
      this.onsetUpTime = sample.time;
    }
    if (this.onsetDownIndex === sample.index && Number.isNaN(this.onsetDownTime) && sample.time !== undefined) {
      this.onsetDownTime = sample.time;
    }
    if (this.n < this.minInstances) return undefined;
    const testIncrease = this.sumIncrease - this.minIncrease;
    const testDecrease = this.maxDecrease - this.sumDecrease;
    const up = this.mode !== "down" && testIncrease > this.threshold;
    const down = this.mode !== "up" && testDecrease > this.threshold;
    if (!up && !down) return undefined;
    // "both": report the side that crossed (the larger excess if both did).
    const direction: ChangeDirection = up && (!down || testIncrease >= testDecrease) ? "up" : "down";
    const statistic = direction === "up" ? testIncrease : testDecrease;
    const onsetIndex = direction === "up" ? this.onsetUpIndex : this.onsetDownIndex;
    const onsetTime = direction === "up" ? this.onsetUpTime : this.onsetDownTime;
    const run = Math.max(1, sample.index - onsetIndex + 1);
    const shift = statistic / run + this.delta;
    const result: DetectorResult = {
      detector: this.name,
      statistic,
      threshold: this.threshold,
      at: positionOf(sample.index, sample.time),
      onset: positionOf(onsetIndex, onsetTime),
      severity: severityFromRatio(shift, this.severityBands),
      direction,
      details: { estimatedShift: direction === "up" ? shift : -shift, mean: this.mean, run },
    };
    this.detections++;
    this.reset();
    return result;
  }

  state(): DetectorState {
    const testIncrease = this.n === 0 ? 0 : this.sumIncrease - this.minIncrease;
    const testDecrease = this.n === 0 ? 0 : Math.max(0, this.maxDecrease - this.sumDecrease);
    const statistic =
      this.mode === "up" ? testIncrease : this.mode === "down" ? testDecrease : Math.max(testIncrease, testDecrease);
    return {
      detector: this.name,
      statistic,
      threshold: this.threshold,
      samplesSinceReset: this.n,
      samplesSeen: this.seen,
      detections: this.detections,
      extra: { mean: this.mean, sumIncrease: this.sumIncrease, sumDecrease: this.sumDecrease },
    };
  }

  reset(): void {
    this.n = 0;
    this.mean = 0;
    this.sumIncrease = 0;
    this.sumDecrease = 0;
    this.minIncrease = Number.POSITIVE_INFINITY;
    this.maxDecrease = -1;
    this.onsetUpIndex = 0;
    this.onsetUpTime = Number.NaN;
    this.onsetDownIndex = 0;
    this.onsetDownTime = Number.NaN;
  }

  toBytes(): Uint8Array {
    return new StateWriter(160)
      .header(DetectorKind.pageHinkley)
      .string(this.name)
      .f64(this.minInstances)
      .f64(this.delta)
      .f64(this.threshold)
      .f64(this.alpha)
      .u8(MODE_CODE[this.mode])
      .f64(this.severityBands.warning)
      .f64(this.severityBands.critical)
      .f64(this.n)
      .f64(this.mean)
      .f64(this.sumIncrease)
      .f64(this.sumDecrease)
      .f64(this.minIncrease)
      .f64(this.maxDecrease)
      .f64(this.onsetUpIndex)
      .f64(this.onsetUpTime)
      .f64(this.onsetDownIndex)
      .f64(this.onsetDownTime)
      .f64(this.seen)
      .f64(this.detections)
      .finish();
  }

  /** Restores a detector serialized with `toBytes`; it continues bit-identically. */
  static fromBytes(bytes: Uint8Array): PageHinkley {
    const r = new StateReader(bytes).header(DetectorKind.pageHinkley);
    const name = r.string();
    const minInstances = r.f64();
    const delta = r.f64();
    const threshold = r.f64();
    const alpha = r.f64();
    const mode = MODE_BY_CODE[r.u8()];
    if (mode === undefined) throw new InvalidDetectorConfigError("invalid Page-Hinkley mode code in state");
    const severity = { warning: r.f64(), critical: r.f64() };
    const d = new PageHinkley({ name, minInstances, delta, threshold, alpha, mode, severity });
    d.n = r.f64();
    d.mean = r.f64();
    d.sumIncrease = r.f64();
    d.sumDecrease = r.f64();
    d.minIncrease = r.f64();
    d.maxDecrease = r.f64();
    d.onsetUpIndex = r.f64();
    d.onsetUpTime = r.f64();
    d.onsetDownIndex = r.f64();
    d.onsetDownTime = r.f64();
    d.seen = r.f64();
    d.detections = r.f64();
    r.end();
    return d;
  }
}
