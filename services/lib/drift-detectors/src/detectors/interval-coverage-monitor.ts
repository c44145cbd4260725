import type { DetectorResult, DetectorState, DriftDetector, SamplePosition } from "../detector.ts";
import { DetectorStateFormatError } from "../errors/detector-state-format-error.ts";
import { InvalidDetectorConfigError } from "../errors/invalid-detector-config-error.ts";
import { NonFiniteSampleError } from "../errors/non-finite-sample-error.ts";
import { positionOf } from "../position-of.ts";
import { type SeverityBands, severityFromRatio } from "../severity-from-ratio.ts";
import { DetectorKind } from "../state/detector-kind.ts";
import { StateReader } from "../state/state-reader.ts";
import { StateWriter } from "../state/state-writer.ts";
import { binomialTwoSidedPValues } from "../statistics/binomial-test.ts";

/** A reading and the interval the twin predicted for it before seeing it. */
export interface CoverageSample extends SamplePosition {
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
}

/** Interval-coverage monitor parameters. */
export interface IntervalCoverageConfig {
  readonly name?: string;
  /** Window length n in readings. Default 100. */
  readonly window?: number;
  /** Nominal coverage p₀ of the predicted interval. Default 0.9. */
  readonly nominal?: number;
  /**
   * Significance level of the two-sided exact binomial test. It is applied at every reading, and
   * P(p-value ≤ α) ≤ α under H₀, so false alarms per reading are at most α. Default 1e−5.
   */
  readonly alpha?: number;
  /** Bands on −log₁₀(p)/−log₁₀(α) for severity. Default {1.5, 2.5}. */
  readonly severity?: SeverityBands;
}

/**
 * Interval-coverage monitor: the share of the last n readings that fell inside their predicted interval,
 * against the nominal p₀, by an exact two-sided binomial test.
 *
 *   X = #{i in window : lower_i ≤ z_i ≤ upper_i}  ~  Binomial(n, p₀) under a calibrated twin;
 *   detection when p(X) < α, with p the minimum-likelihood two-sided p-value (R's binom.test).
 *
 * statistic = −log₁₀ p(X), threshold = −log₁₀ α (larger is worse, like every other detector). Direction
 * "down" is under-coverage (intervals too narrow or biased), "up" over-coverage (intervals too wide).
 * p-values for every X are tabulated once, so an update is O(1).
 *
 * Gneiting, T., Balabdaoui, F. & Raftery, A. E. (2007). Probabilistic forecasts, calibration and
 * sharpness. JRSS B 69(2), 243–268 (coverage as a calibration check); Clopper & Pearson (1934) for the
 * exact binomial test.
 */
export class IntervalCoverageMonitor implements DriftDetector<CoverageSample> {
  readonly name: string;
  readonly window: number;
  readonly nominal: number;
  readonly alpha: number;
  readonly severityBands: SeverityBands;

  private readonly pValues: Float64Array;
  private readonly hits: Uint8Array;
  private head = 0;
  private filled = 0;
  private inside = 0;
  private sinceReset = 0;
  private seen = 0;
  private detections = 0;

  constructor(config: IntervalCoverageConfig = {}) {
    this.name = config.name ?? "interval_coverage";
    this.window = config.window ?? 100;
    this.nominal = config.nominal ?? 0.9;
    this.alpha = config.alpha ?? 1e-5;
    this.severityBands = config.severity ?? { warning: 1.5, critical: 2.5 };
    if (!(this.alpha > 0 && this.alpha < 1)) {
      throw new InvalidDetectorConfigError("coverage alpha must be in (0, 1)", { alpha: this.alpha });
    }
    this.pValues = binomialTwoSidedPValues(this.window, this.nominal);
    this.hits = new Uint8Array(this.window);
  }

  update(sample: CoverageSample): DetectorResult | undefined {
    const { value, lower, upper } = sample;
    if (!Number.isFinite(value) || !Number.isFinite(lower) || !Number.isFinite(upper)) {
      throw new NonFiniteSampleError("coverage sample is not finite", { value, lower, upper });
    }
    this.seen++;
    this.sinceReset++;
    const hit = value >= lower && value <= upper ? 1 : 0;
    const slot = (this.head + this.filled) % this.window;
    if (this.filled < this.window) {
      this.filled++;
    } else {
      this.inside -= this.hits[this.head]!;
      this.head = (this.head + 1) % this.window;
    }
    this.hits[slot] = hit;
    this.inside += hit;
    if (this.filled < this.window) return undefined;
    const p = this.pValues[this.inside]!;
    if (!(p < this.alpha)) return undefined;
    const statistic = -Math.log10(p);
    const threshold = -Math.log10(this.alpha);
    const coverage = this.inside / this.window;
    const result: DetectorResult = {
      detector: this.name,
      statistic,
      threshold,
      at: positionOf(sample.index, sample.time),
      onset: positionOf(sample.index - this.window + 1, undefined),
      severity: severityFromRatio(statistic / threshold, this.severityBands),
      direction: coverage < this.nominal ? "down" : "up",
      details: { coverage, nominal: this.nominal, pValue: p },
    };
    this.detections++;
    this.reset();
    return result;
  }

  state(): DetectorState {
    const p = this.filled === this.window ? this.pValues[this.inside]! : 1;
    return {
      detector: this.name,
      statistic: -Math.log10(p),
      threshold: -Math.log10(this.alpha),
      samplesSinceReset: this.sinceReset,
      samplesSeen: this.seen,
      detections: this.detections,
      extra: { coverage: this.filled > 0 ? this.inside / this.filled : Number.NaN, filled: this.filled },
    };
  }

  reset(): void {
    this.hits.fill(0);
    this.head = 0;
    this.filled = 0;
    this.inside = 0;
    this.sinceReset = 0;
  }

  toBytes(): Uint8Array {
    const live = new Uint8Array(this.filled);
    for (let i = 0; i < this.filled; i++) live[i] = this.hits[(this.head + i) % this.window]!;
    return new StateWriter(96 + this.filled)
      .header(DetectorKind.intervalCoverage)
      .string(this.name)
      .f64(this.window)
      .f64(this.nominal)
      .f64(this.alpha)
      .f64(this.severityBands.warning)
      .f64(this.severityBands.critical)
      .f64(this.sinceReset)
      .f64(this.seen)
      .f64(this.detections)
      .u32(this.filled)
      .bytes(live)
      .finish();
  }

  /** Restores a detector serialized with `toBytes`; it continues bit-identically. */
  static fromBytes(bytes: Uint8Array): IntervalCoverageMonitor {
    const r = new StateReader(bytes).header(DetectorKind.intervalCoverage);
    const name = r.string();
    const window = r.f64();
    const nominal = r.f64();
    const alpha = r.f64();
    const severity = { warning: r.f64(), critical: r.f64() };
    const d = new IntervalCoverageMonitor({ name, window, nominal, alpha, severity });
    d.sinceReset = r.f64();
    d.seen = r.f64();
    d.detections = r.f64();
    const filled = r.u32();
    if (filled > window) throw new DetectorStateFormatError("coverage window overfull", { filled, window });
    const live = r.bytes(filled);
    for (let i = 0; i < filled; i++) {
      d.hits[i] = live[i]! ? 1 : 0;
      d.inside += d.hits[i]!;
    }
    d.filled = filled;
    r.end();
    return d;
  }
}
