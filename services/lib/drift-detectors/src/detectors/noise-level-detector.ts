import type { ChangeDirection, DetectorResult, DetectorState, DriftDetector, ScalarSample } from "../detector.ts";
import { InvalidDetectorConfigError } from "../errors/invalid-detector-config-error.ts";
import { NonFiniteSampleError } from "../errors/non-finite-sample-error.ts";
import { positionOf } from "../position-of.ts";
import { type SeverityBands, severityFromRatio } from "../severity-from-ratio.ts";
import { DetectorKind } from "../state/detector-kind.ts";
import { StateReader } from "../state/state-reader.ts";
import { StateWriter } from "../state/state-writer.ts";
import { varianceCusumThresholdForArl } from "../statistics/variance-cusum-threshold.ts";

/** Which noise changes to watch. */
export type NoiseLevelSides = "up" | "both";

/** Noise-level change detector parameters. */
export interface NoiseLevelConfig {
  readonly name?: string;
  /** Variance ratio ρ↑ the upper chart is tuned for (4 = noise σ doubled). Default 4. */
  readonly upRatio?: number;
  /** Variance ratio ρ↓ < 1 the lower chart is tuned for. Default 0.25. */
  readonly downRatio?: number;
  /** "up" watches only increases; "both" adds the lower chart. Default "both". */
  readonly sides?: NoiseLevelSides;
  /** Target in-control ARL between false alarms for the whole detector. Default 100 000. */
  readonly arl0?: number;
  /** Explicit thresholds instead of `arl0`. */
  readonly hUp?: number;
  readonly hDown?: number;
  /** Bands on the estimated variance ratio (or its inverse for decreases). Default {2, 4}. */
  readonly severity?: SeverityBands;
}

/**
 * Noise-level change detector: a CUSUM of the log-likelihood ratio for the variance of normalized
 * innovations z = y/√S (Page 1954; Basseville & Nikiforov, "Detection of Abrupt Changes", 1993, §2.2):
 *
 *   G_n = max(0, G_{n−1} + ½ z_n² (1 − 1/ρ) − ½ ln ρ),   alarm when G_n ≥ h,
 *
 * one chart with ρ = ρ↑ > 1 (noise increase) and optionally one with ρ = ρ↓ < 1 (decrease). Each h comes
 * from the target ARL₀ through the Brook–Evans Markov chain on the exact χ²₁-based increment law (two
 * sides split the false-alarm budget: each gets 2·ARL₀). The estimated variance ratio is the mean z² since
 * the chart last was 0.
 */
export class NoiseLevelDetector implements DriftDetector<ScalarSample> {
  readonly name: string;
  readonly upRatio: number;
  readonly downRatio: number;
  readonly sides: NoiseLevelSides;
  readonly hUp: number;
  readonly hDown: number;
  readonly severityBands: SeverityBands;
  private readonly aUp: number;
  private readonly cUp: number;
  private readonly aDown: number;
  private readonly cDown: number;

  private up = 0;
  private down = 0;
  private upOnset = Number.NaN;
  private upOnsetTime = Number.NaN;
  private upSumSquares = 0;
  private downOnset = Number.NaN;
  private downOnsetTime = Number.NaN;
  private downSumSquares = 0;
  private sinceReset = 0;
  private seen = 0;
  private detections = 0;

  constructor(config: NoiseLevelConfig = {}) {
    this.name = config.name ?? "noise_level";
    this.upRatio = config.upRatio ?? 4;
    this.downRatio = config.downRatio ?? 0.25;
    this.sides = config.sides ?? "both";
    this.severityBands = config.severity ?? { warning: 2, critical: 4 };
    if (!(this.upRatio > 1) || !Number.isFinite(this.upRatio)) {
      throw new InvalidDetectorConfigError("noise upRatio must be > 1", { upRatio: this.upRatio });
    }
    if (!(this.downRatio > 0 && this.downRatio < 1)) {
      throw new InvalidDetectorConfigError("noise downRatio must be in (0, 1)", { downRatio: this.downRatio });
    }
    if (this.sides !== "up" && this.sides !== "both") {
      throw new InvalidDetectorConfigError("noise sides must be 'up' or 'both'", { sides: this.sides });
    }
    const arl0 = config.arl0 ?? 100_000;
    const perSide = this.sides === "both" ? 2 * arl0 : arl0;
    this.hUp = config.hUp ?? varianceCusumThresholdForArl(this.upRatio, perSide);
    this.hDown = config.hDown ?? (this.sides === "both" ? varianceCusumThresholdForArl(this.downRatio, perSide) : 0);
    if (!(this.hUp > 0) || (this.sides === "both" && !(this.hDown > 0))) {
      throw new InvalidDetectorConfigError("noise thresholds must be > 0", { hUp: this.hUp, hDown: this.hDown });
    }
    this.aUp = 0.5 * (1 - 1 / this.upRatio);
    this.cUp = -0.5 * Math.log(this.upRatio);
    this.aDown = 0.5 * (1 - 1 / this.downRatio);
    this.cDown = -0.5 * Math.log(this.downRatio);
  }

  update(sample: ScalarSample): DetectorResult | undefined {
    const z = sample.value;
    if (!Number.isFinite(z)) throw new NonFiniteSampleError("noise-level sample is not finite", { value: z });
    this.seen++;
    this.sinceReset++;
    const z2 = z * z;
    if (this.up === 0) {
      this.upOnset = sample.index;
      this.upOnsetTime = sample.time ?? Number.NaN;
      this.upSumSquares = 0;
    }
    this.up = Math.max(0, this.up + this.aUp * z2 + this.cUp);
    this.upSumSquares += z2;
    let downFired = false;
    if (this.sides === "both") {
      if (this.down === 0) {
        this.downOnset = sample.index;
        this.downOnsetTime = sample.time ?? Number.NaN;
        this.downSumSquares = 0;
      }
      this.down = Math.max(0, this.down + this.aDown * z2 + this.cDown);
      this.downSumSquares += z2;
      downFired = this.down >= this.hDown;
    }
    const upFired = this.up >= this.hUp;
    if (!upFired && !downFired) return undefined;
    const direction: ChangeDirection =
      upFired && (!downFired || this.up / this.hUp >= this.down / this.hDown) ? "up" : "down";
    const onset = direction === "up" ? this.upOnset : this.downOnset;
    const onsetTime = direction === "up" ? this.upOnsetTime : this.downOnsetTime;
    const run = sample.index - onset + 1;
    const varianceRatio = (direction === "up" ? this.upSumSquares : this.downSumSquares) / run;
    const magnitude = direction === "up" ? varianceRatio : 1 / Math.max(varianceRatio, Number.MIN_VALUE);
    const result: DetectorResult = {
      detector: this.name,
      statistic: direction === "up" ? this.up : this.down,
      threshold: direction === "up" ? this.hUp : this.hDown,
      at: positionOf(sample.index, sample.time),
      onset: positionOf(onset, onsetTime),
      severity: severityFromRatio(magnitude, this.severityBands),
      direction,
      details: { varianceRatio, run },
    };
    this.detections++;
    this.reset();
    return result;
  }

  state(): DetectorState {
    const down = this.sides === "both" ? this.down / this.hDown : 0;
    return {
      detector: this.name,
      statistic: Math.max(this.up / this.hUp, down),
      threshold: 1,
      samplesSinceReset: this.sinceReset,
      samplesSeen: this.seen,
      detections: this.detections,
      extra: { up: this.up, down: this.down, hUp: this.hUp, hDown: this.hDown },
    };
  }

  reset(): void {
    this.up = 0;
    this.down = 0;
    this.upOnset = Number.NaN;
    this.upOnsetTime = Number.NaN;
    this.upSumSquares = 0;
    this.downOnset = Number.NaN;
    this.downOnsetTime = Number.NaN;
    this.downSumSquares = 0;
    this.sinceReset = 0;
  }

  toBytes(): Uint8Array {
    return new StateWriter(200)
      .header(DetectorKind.noiseLevel)
      .string(this.name)
      .f64(this.upRatio)
      .f64(this.downRatio)
      .u8(this.sides === "both" ? 2 : 1)
      .f64(this.hUp)
      .f64(this.hDown)
      .f64(this.severityBands.warning)
      .f64(this.severityBands.critical)
      .f64(this.up)
      .f64(this.down)
      .f64(this.upOnset)
      .f64(this.upOnsetTime)
      .f64(this.upSumSquares)
      .f64(this.downOnset)
      .f64(this.downOnsetTime)
      .f64(this.downSumSquares)
      .f64(this.sinceReset)
      .f64(this.seen)
      .f64(this.detections)
      .finish();
  }

  /** Restores a detector serialized with `toBytes`; it continues bit-identically. */
  static fromBytes(bytes: Uint8Array): NoiseLevelDetector {
    const r = new StateReader(bytes).header(DetectorKind.noiseLevel);
    const name = r.string();
    const upRatio = r.f64();
    const downRatio = r.f64();
    const sides: NoiseLevelSides = r.u8() === 2 ? "both" : "up";
    const hUp = r.f64();
    const hDown = r.f64();
    const severity = { warning: r.f64(), critical: r.f64() };
    const d = new NoiseLevelDetector(
      sides === "both"
        ? { name, upRatio, downRatio, sides, hUp, hDown, severity }
        : { name, upRatio, downRatio, sides, hUp, severity },
    );
    d.up = r.f64();
    d.down = r.f64();
    d.upOnset = r.f64();
    d.upOnsetTime = r.f64();
    d.upSumSquares = r.f64();
    d.downOnset = r.f64();
    d.downOnsetTime = r.f64();
    d.downSumSquares = r.f64();
    d.sinceReset = r.f64();
    d.seen = r.f64();
    d.detections = r.f64();
    r.end();
    return d;
  }
}
