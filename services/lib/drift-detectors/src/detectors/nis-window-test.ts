import type { DetectorResult, DetectorState, DriftDetector, SamplePosition } from "../detector.ts";
import { InvalidDetectorConfigError } from "../errors/invalid-detector-config-error.ts";
import { NonFiniteSampleError } from "../errors/non-finite-sample-error.ts";
import { positionOf } from "../position-of.ts";
import { type SeverityBands, severityFromRatio } from "../severity-from-ratio.ts";
import { DetectorKind } from "../state/detector-kind.ts";
import { FloatRing } from "../state/float-ring.ts";
import { StateReader } from "../state/state-reader.ts";
import { StateWriter } from "../state/state-writer.ts";
import { chiSquareQuantile } from "../statistics/chi-square.ts";

/** One normalized innovation squared, nis = yᵀ S⁻¹ y, of a measurement of dimension dimZ. */
export interface NisSample extends SamplePosition {
  readonly nis: number;
}

/** Sliding-window NIS test parameters. */
export interface NisWindowConfig {
  readonly name?: string;
  /** Window length W in samples. Default 50. */
  readonly window?: number;
  /** Measurement dimension dimZ (each NIS is χ²(dimZ) under a consistent filter). Default 1. */
  readonly dimZ?: number;
  /**
   * Two-sided acceptance probability of the window sum: bounds are the (1 − p)/2 and (1 + p)/2 quantiles
   * of χ²(W·dimZ). The chance that any one sample's window falls outside is 1 − p, so the false-alarm rate
   * per sample is at most 1 − p. Default 0.99999 (≤ 0.1 false alarms per 10 000 samples).
   */
  readonly probability?: number;
  /** Bands on the excess ratio (sum/upper, or lower/sum) for severity. Default {1.5, 3}. */
  readonly severity?: SeverityBands;
}

/**
 * Sliding-window NIS consistency test (Bar-Shalom, Li & Kirubarajan, "Estimation with Applications to
 * Tracking and Navigation", 2001, §5.4.2): for a consistent filter the window sum
 *
 *   ε_W = Σ_{i=n−W+1}^{n} nis_i  ~  χ²(W·dimZ),
 *
 * so ε_W above the upper bound r₂ = χ²_{(1+p)/2}(W·dimZ) means innovations larger than S claims (bias,
 * extra noise, wrong model: direction "up"), and below r₁ = χ²_{(1−p)/2}(W·dimZ) means S is too pessimistic
 * (direction "down"). Tested on every sample once the window is full; the window restarts after a detection.
 */
export class NisWindowTest implements DriftDetector<NisSample> {
  readonly name: string;
  readonly window: number;
  readonly dimZ: number;
  readonly probability: number;
  readonly lowerBound: number;
  readonly upperBound: number;
  readonly severityBands: SeverityBands;

  private readonly values: FloatRing;
  private sinceReset = 0;
  private seen = 0;
  private detections = 0;

  constructor(config: NisWindowConfig = {}) {
    this.name = config.name ?? "nis_window";
    this.window = config.window ?? 50;
    this.dimZ = config.dimZ ?? 1;
    this.probability = config.probability ?? 0.99999;
    this.severityBands = config.severity ?? { warning: 1.5, critical: 3 };
    if (!Number.isInteger(this.window) || this.window < 1) {
      throw new InvalidDetectorConfigError("NIS window must be an integer ≥ 1", { window: this.window });
    }
    if (!Number.isInteger(this.dimZ) || this.dimZ < 1) {
      throw new InvalidDetectorConfigError("NIS dimZ must be an integer ≥ 1", { dimZ: this.dimZ });
    }
    if (!(this.probability > 0 && this.probability < 1)) {
      throw new InvalidDetectorConfigError("NIS probability must be in (0, 1)", { probability: this.probability });
    }
    const dof = this.window * this.dimZ;
    this.lowerBound = chiSquareQuantile((1 - this.probability) / 2, dof);
    this.upperBound = chiSquareQuantile((1 + this.probability) / 2, dof);
    this.values = new FloatRing(this.window);
  }

  update(sample: NisSample): DetectorResult | undefined {
    const nis = sample.nis;
    if (!Number.isFinite(nis) || nis < 0) throw new NonFiniteSampleError("NIS must be finite and ≥ 0", { nis });
    this.seen++;
    this.sinceReset++;
    this.values.push(nis);
    if (!this.values.full) return undefined;
    const sum = this.values.sum();
    const up = sum > this.upperBound;
    const down = sum < this.lowerBound;
    if (!up && !down) return undefined;
    const ratio = up ? sum / this.upperBound : this.lowerBound / Math.max(sum, Number.MIN_VALUE);
    const result: DetectorResult = {
      detector: this.name,
      statistic: sum,
      threshold: up ? this.upperBound : this.lowerBound,
      at: positionOf(sample.index, sample.time),
      onset: positionOf(sample.index - this.window + 1, undefined),
      severity: severityFromRatio(ratio, this.severityBands),
      direction: up ? "up" : "down",
      details: {
        meanNis: sum / this.window,
        expectedMeanNis: this.dimZ,
        lowerBound: this.lowerBound,
        upperBound: this.upperBound,
      },
    };
    this.detections++;
    this.reset();
    return result;
  }

  state(): DetectorState {
    return {
      detector: this.name,
      statistic: this.values.sum(),
      threshold: this.upperBound,
      samplesSinceReset: this.sinceReset,
      samplesSeen: this.seen,
      detections: this.detections,
      extra: { lowerBound: this.lowerBound, upperBound: this.upperBound, filled: this.values.length },
    };
  }

  reset(): void {
    this.values.clear();
    this.sinceReset = 0;
  }

  toBytes(): Uint8Array {
    const w = new StateWriter(64 + 8 * this.window)
      .header(DetectorKind.nisWindow)
      .string(this.name)
      .f64(this.window)
      .f64(this.dimZ)
      .f64(this.probability)
      .f64(this.severityBands.warning)
      .f64(this.severityBands.critical)
      .f64(this.sinceReset)
      .f64(this.seen)
      .f64(this.detections);
    this.values.write(w);
    return w.finish();
  }

  /** Restores a detector serialized with `toBytes`; it continues bit-identically. */
  static fromBytes(bytes: Uint8Array): NisWindowTest {
    const r = new StateReader(bytes).header(DetectorKind.nisWindow);
    const name = r.string();
    const window = r.f64();
    const dimZ = r.f64();
    const probability = r.f64();
    const severity = { warning: r.f64(), critical: r.f64() };
    const d = new NisWindowTest({ name, window, dimZ, probability, severity });
    d.sinceReset = r.f64();
    d.seen = r.f64();
    d.detections = r.f64();
    d.values.read(r);
    r.end();
    return d;
  }
}
