import type { DetectorResult, DetectorState, DriftDetector, SamplePosition } from "../detector.ts";
import { InvalidDetectorConfigError } from "../errors/invalid-detector-config-error.ts";
import { NonFiniteSampleError } from "../errors/non-finite-sample-error.ts";
import { positionOf } from "../position-of.ts";
import { DetectorKind } from "../state/detector-kind.ts";
import { FloatRing } from "../state/float-ring.ts";
import { StateReader } from "../state/state-reader.ts";
import { StateWriter } from "../state/state-writer.ts";
import { chiSquareQuantile } from "../statistics/chi-square.ts";

/** A normalized innovation z = y/√S and, when available, the raw reading it came from. */
export interface StuckSample extends SamplePosition {
  /** Normalized innovation z = y/√S (unit variance under a consistent filter). */
  readonly value: number;
  /** The raw reading, for the exact-repeat test. */
  readonly reading?: number;
}

/** Stuck-sensor detector parameters. */
export interface StuckSensorConfig {
  readonly name?: string;
  /** Window W for the variance-collapse test. Default 20. */
  readonly window?: number;
  /**
   * Probability, per sample, that a healthy sensor's window falls below the floor: the floor is
   * f = χ²_q(W)/W with q this probability. Default 1e−7. Ignored when `fraction` is set.
   */
  readonly falseAlarmProbability?: number;
  /** Explicit floor f on the windowed variance ratio Σz²/W (instead of `falseAlarmProbability`). */
  readonly fraction?: number;
  /** Identical consecutive readings that count as stuck; 0 disables the repeat test. Default 20. */
  readonly repeats?: number;
}

/**
 * Stuck-sensor detector: a sensor that stopped measuring shows (a) exact repeats of its reading, and
 * (b) innovations that collapse — the filter converges onto the frozen value, so y → 0 while S (which
 * still includes the sensor's noise R) stays put.
 *
 *   (a) repeats: reading_{n−N+1} = … = reading_n, N = `repeats`
 *   (b) collapse: s²_W = (1/W) Σ_{i=n−W+1}^{n} z_i²  <  f,   with f = χ²_q(W)/W
 *
 * Under a consistent filter Σz² over W samples is χ²(W), so (b) fires on a healthy sensor with
 * probability q per sample. The mean is not subtracted: innovations have known mean 0, which makes the
 * test sharper. Both tests restart after a detection. Severity: "critical" for exact repeats (the sensor
 * is certainly frozen), "warning" for a variance collapse (could also be a noise decrease).
 */
export class StuckSensorDetector implements DriftDetector<StuckSample> {
  readonly name: string;
  readonly window: number;
  readonly fraction: number;
  readonly falseAlarmProbability: number;
  readonly repeats: number;

  private readonly squares: FloatRing;
  private lastReading = Number.NaN;
  private repeatCount = 0;
  private sinceReset = 0;
  private seen = 0;
  private detections = 0;

  constructor(config: StuckSensorConfig = {}) {
    this.name = config.name ?? "stuck_sensor";
    this.window = config.window ?? 20;
    this.falseAlarmProbability = config.falseAlarmProbability ?? 1e-7;
    this.repeats = config.repeats ?? 20;
    if (!Number.isInteger(this.window) || this.window < 2) {
      throw new InvalidDetectorConfigError("stuck-sensor window must be an integer ≥ 2", { window: this.window });
    }
    if (!Number.isInteger(this.repeats) || this.repeats < 0 || this.repeats === 1) {
      throw new InvalidDetectorConfigError("stuck-sensor repeats must be 0 (off) or an integer ≥ 2", {
        repeats: this.repeats,
      });
    }
    this.fraction = config.fraction ?? chiSquareQuantile(this.falseAlarmProbability, this.window) / this.window;
    if (!(this.fraction > 0 && this.fraction < 1)) {
      throw new InvalidDetectorConfigError("stuck-sensor fraction must be in (0, 1)", { fraction: this.fraction });
    }
    this.squares = new FloatRing(this.window);
  }

  update(sample: StuckSample): DetectorResult | undefined {
    const z = sample.value;
    if (!Number.isFinite(z)) throw new NonFiniteSampleError("stuck-sensor sample is not finite", { value: z });
    const reading = sample.reading;
    if (reading !== undefined && !Number.isFinite(reading)) {
      throw new NonFiniteSampleError("stuck-sensor reading is not finite", { reading });
    }
    this.seen++;
    this.sinceReset++;
    this.squares.push(z * z);
    if (reading !== undefined) {
      this.repeatCount = reading === this.lastReading ? this.repeatCount + 1 : 1;
      this.lastReading = reading;
    }
    if (this.repeats > 0 && this.repeatCount >= this.repeats) {
      const result: DetectorResult = {
        detector: this.name,
        statistic: this.repeatCount,
        threshold: this.repeats,
        at: positionOf(sample.index, sample.time),
        onset: positionOf(sample.index - this.repeatCount + 1, undefined),
        severity: "critical",
        details: { reading: this.lastReading, repeats: this.repeatCount },
      };
      return this.detected(result);
    }
    if (!this.squares.full) return undefined;
    const ratio = this.squares.sum() / this.window;
    if (!(ratio < this.fraction)) return undefined;
    return this.detected({
      detector: this.name,
      statistic: ratio,
      threshold: this.fraction,
      at: positionOf(sample.index, sample.time),
      onset: positionOf(sample.index - this.window + 1, undefined),
      severity: "warning",
      direction: "down",
      details: { varianceRatio: ratio },
    });
  }

  private detected(result: DetectorResult): DetectorResult {
    this.detections++;
    this.reset();
    return result;
  }

  state(): DetectorState {
    return {
      detector: this.name,
      statistic: this.squares.length > 0 ? this.squares.sum() / this.squares.length : 1,
      threshold: this.fraction,
      samplesSinceReset: this.sinceReset,
      samplesSeen: this.seen,
      detections: this.detections,
      extra: { repeats: this.repeatCount, filled: this.squares.length },
    };
  }

  reset(): void {
    this.squares.clear();
    this.lastReading = Number.NaN;
    this.repeatCount = 0;
    this.sinceReset = 0;
  }

  toBytes(): Uint8Array {
    const w = new StateWriter(96 + 8 * this.window)
      .header(DetectorKind.stuckSensor)
      .string(this.name)
      .f64(this.window)
      .f64(this.fraction)
      .f64(this.falseAlarmProbability)
      .f64(this.repeats)
      .f64(this.lastReading)
      .f64(this.repeatCount)
      .f64(this.sinceReset)
      .f64(this.seen)
      .f64(this.detections);
    this.squares.write(w);
    return w.finish();
  }

  /** Restores a detector serialized with `toBytes`; it continues bit-identically. */
  static fromBytes(bytes: Uint8Array): StuckSensorDetector {
    const r = new StateReader(bytes).header(DetectorKind.stuckSensor);
    const name = r.string();
    const window = r.f64();
    const fraction = r.f64();
    const falseAlarmProbability = r.f64();
    const repeats = r.f64();
    const d = new StuckSensorDetector({ name, window, fraction, falseAlarmProbability, repeats });
    d.lastReading = r.f64();
    d.repeatCount = r.f64();
    d.sinceReset = r.f64();
    d.seen = r.f64();
    d.detections = r.f64();
    d.squares.read(r);
    r.end();
    return d;
  }
}
