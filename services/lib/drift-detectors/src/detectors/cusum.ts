import type { ChangeDirection, DetectorResult, DetectorState, DriftDetector, ScalarSample } from "../detector.ts";
import { InvalidDetectorConfigError } from "../errors/invalid-detector-config-error.ts";
import { NonFiniteSampleError } from "../errors/non-finite-sample-error.ts";
import { positionOf } from "../position-of.ts";
import { type SeverityBands, severityFromRatio } from "../severity-from-ratio.ts";
import { DetectorKind } from "../state/detector-kind.ts";
import { StateReader } from "../state/state-reader.ts";
import { StateWriter } from "../state/state-writer.ts";
import { cusumThresholdForArl } from "../statistics/cusum-arl.ts";

/** Two-sided CUSUM parameters, in units of the (unit-variance) input. */
export interface CusumConfig {
  readonly name?: string;
  /** Reference value k: half the shift (in σ) the chart is tuned to detect fastest. Default 0.5. */
  readonly k?: number;
  /** Decision threshold h. If absent it is derived from `arl0`. */
  readonly h?: number;
  /** Target in-control average run length between false alarms (two-sided). Default 10 000. */
  readonly arl0?: number;
  /** Bands on the estimated shift |μ̂| (σ) for severity. Default {1.5, 3}. */
  readonly severity?: SeverityBands;
}

/**
 * Two-sided tabular CUSUM on normalized innovations z = y/√S (N(0, 1) while the filter is consistent):
 *
 *   C⁺_n = max(0, C⁺_{n−1} + z_n − k),   C⁻_n = max(0, C⁻_{n−1} − z_n − k),   alarm when C± ≥ h.
 *
 * The onset estimate is the sample after C± last was 0, and the shift estimate is μ̂ = ±(k + C±/N) with
 * N the samples since then (Montgomery, "Introduction to Statistical Quality Control", §9.1). h comes from a
 * target ARL₀ via Siegmund's approximation (`cusumThresholdForArl`). After an alarm both sides restart at 0.
 *
 * Page, E. S. (1954). Continuous inspection schemes. Biometrika 41(1/2), 100–115.
 */
export class Cusum implements DriftDetector<ScalarSample> {
  readonly name: string;
  readonly k: number;
  readonly h: number;
  readonly severityBands: SeverityBands;

  private upper = 0;
  private lower = 0;
  private upperOnsetIndex = Number.NaN;
  private upperOnsetTime = Number.NaN;
  private lowerOnsetIndex = Number.NaN;
  private lowerOnsetTime = Number.NaN;
  private sinceReset = 0;
  private seen = 0;
  private detections = 0;

  constructor(config: CusumConfig = {}) {
    this.name = config.name ?? "cusum";
    this.k = config.k ?? 0.5;
    if (!(this.k > 0) || !Number.isFinite(this.k)) {
      throw new InvalidDetectorConfigError("CUSUM k must be a finite number > 0", { k: this.k });
    }
    this.h = config.h ?? cusumThresholdForArl(config.arl0 ?? 10_000, this.k, 2);
    if (!(this.h > 0) || !Number.isFinite(this.h)) {
      throw new InvalidDetectorConfigError("CUSUM h must be a finite number > 0", { h: this.h });
    }
    this.severityBands = config.severity ?? { warning: 1.5, critical: 3 };
  }

  update(sample: ScalarSample): DetectorResult | undefined {
    const z = sample.value;
    if (!Number.isFinite(z)) throw new NonFiniteSampleError("CUSUM sample is not finite", { value: z });
    this.seen++;
    this.sinceReset++;
    if (this.upper === 0) {
      this.upperOnsetIndex = sample.index;
      this.upperOnsetTime = sample.time ?? Number.NaN;
    }
    if (this.lower === 0) {
      this.lowerOnsetIndex = sample.index;
      this.lowerOnsetTime = sample.time ?? Number.NaN;
    }
    this.upper = Math.max(0, this.upper + z - this.k);
    this.lower = Math.max(0, this.lower - z - this.k);
    const up = this.upper >= this.h;
    const down = this.lower >= this.h;
    if (!up && !down) return undefined;
    const direction: ChangeDirection = up && (!down || this.upper >= this.lower) ? "up" : "down";
    const statistic = direction === "up" ? this.upper : this.lower;
    const onsetIndex = direction === "up" ? this.upperOnsetIndex : this.lowerOnsetIndex;
    const onsetTime = direction === "up" ? this.upperOnsetTime : this.lowerOnsetTime;
    const run = sample.index - onsetIndex + 1;
    const shift = this.k + statistic / run;
    const result: DetectorResult = {
      detector: this.name,
      statistic,
      threshold: this.h,
      at: positionOf(sample.index, sample.time),
      onset: positionOf(onsetIndex, onsetTime),
      severity: severityFromRatio(shift, this.severityBands),
      direction,
      details: { estimatedShift: direction === "up" ? shift : -shift, run },
    };
    this.detections++;
    this.reset();
    return result;
  }

  state(): DetectorState {
    return {
      detector: this.name,
      statistic: Math.max(this.upper, this.lower),
      threshold: this.h,
      samplesSinceReset: this.sinceReset,
      samplesSeen: this.seen,
      detections: this.detections,
      extra: { upper: this.upper, lower: this.lower, k: this.k },
    };
  }

  reset(): void {
    this.upper = 0;
    this.lower = 0;
    this.upperOnsetIndex = Number.NaN;
    this.upperOnsetTime = Number.NaN;
    this.lowerOnsetIndex = Number.NaN;
    this.lowerOnsetTime = Number.NaN;
    this.sinceReset = 0;
  }

  toBytes(): Uint8Array {
    return new StateWriter(128)
      .header(DetectorKind.cusum)
      .string(this.name)
      .f64(this.k)
      .f64(this.h)
      .f64(this.severityBands.warning)
      .f64(this.severityBands.critical)
      .f64(this.upper)
      .f64(this.lower)
      .f64(this.upperOnsetIndex)
      .f64(this.upperOnsetTime)
      .f64(this.lowerOnsetIndex)
      .f64(this.lowerOnsetTime)
      .f64(this.sinceReset)
      .f64(this.seen)
      .f64(this.detections)
      .finish();
  }

  /** Restores a detector serialized with `toBytes`; it continues bit-identically. */
  static fromBytes(bytes: Uint8Array): Cusum {
    const r = new StateReader(bytes).header(DetectorKind.cusum);
    const name = r.string();
    const k = r.f64();
    const h = r.f64();
    const severity = { warning: r.f64(), critical: r.f64() };
    const d = new Cusum({ name, k, h, severity });
    d.upper = r.f64();
    d.lower = r.f64();
    d.upperOnsetIndex = r.f64();
    d.upperOnsetTime = r.f64();
    d.lowerOnsetIndex = r.f64();
    d.lowerOnsetTime = r.f64();
    d.sinceReset = r.f64();
    d.seen = r.f64();
    d.detections = r.f64();
    r.end();
    return d;
  }
}
