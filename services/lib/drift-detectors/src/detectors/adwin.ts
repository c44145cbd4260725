import type { DetectorResult, DetectorState, DriftDetector, ScalarSample } from "../detector.ts";
import { DetectorStateFormatError } from "../errors/detector-state-format-error.ts";
import { InvalidDetectorConfigError } from "../errors/invalid-detector-config-error.ts";
import { NonFiniteSampleError } from "../errors/non-finite-sample-error.ts";
import { positionOf } from "../position-of.ts";
import { type SeverityBands, severityFromRatio } from "../severity-from-ratio.ts";
import { DetectorKind } from "../state/detector-kind.ts";
import { StateReader } from "../state/state-reader.ts";
import { StateWriter } from "../state/state-writer.ts";
import { AdwinBucketRow } from "./adwin-bucket-row.ts";

/** ADWIN parameters; defaults are River's. */
export interface AdwinConfig {
  readonly name?: string;
  /** Confidence δ of the cut test (smaller: fewer false alarms, slower detection). River: 0.002. */
  readonly delta?: number;
  /** Check for a cut only every `clock` samples. River: 32. */
  readonly clock?: number;
  /** Buckets of one size kept before two are merged (M). River: 5. */
  readonly maxBuckets?: number;
  /** Minimum length of each sub-window at a cut. River: 5. */
  readonly minWindowLength?: number;
  /** No check until the window is longer than this. River: 10. */
  readonly gracePeriod?: number;
  /** Bands on |μ̂(W₀) − μ̂(W₁)| (input units) at the first cut, for severity. Default {1, 3}. */
  readonly severity?: SeverityBands;
}

/**
 * ADWIN (ADaptive WINdowing), reproducing River's `drift.ADWIN` exactly — its current `AdaptiveWindowing`
 * (the Rust port in `river.stats._rust_stats`, which replaced `adwin_c.pyx`), with the same arithmetic order —
 * so detection indices match River's to the sample.
 *
 * The window W is kept as an exponential histogram (rows of buckets of 2^i samples, at most M+1 per row
 * before the two oldest merge). Every `clock` samples, once |W| > grace period, each cut W = W₀·W₁
 * (scanning from the oldest bucket, River's loop order) is tested with
 *
 *   m = 1/(n₀ − ℓ + 1) + 1/(n₁ − ℓ + 1),  δ' = ln(2 ln|W| / δ),  σ²_W = V_W / |W|
 *   ε_cut = √(2 m σ²_W δ') + (2/3) δ' m,   change if |μ̂₀ − μ̂₁| > ε_cut  (n₀, n₁ ≥ ℓ = min window length)
 *
 * and on a change the oldest bucket is dropped and the scan restarts. Bucket variances combine as in
 * Babcock et al. (2003). After a detection the detector resets completely (River semantics).
 *
 * Bifet, A. and Gavaldà, R. (2007). Learning from time-changing data with adaptive windowing. SIAM SDM,
 * 443–448.
 */
export class Adwin implements DriftDetector<ScalarSample> {
  readonly name: string;
  readonly delta: number;
  readonly clock: number;
  readonly maxBuckets: number;
  readonly minWindowLength: number;
  readonly gracePeriod: number;
  readonly severityBands: SeverityBands;

  /** rows[0] holds single samples (newest row); rows[i] holds buckets of 2^i samples. */
  private rows: AdwinBucketRow[] = [];
  private total = 0;
  /** Σ(x − x̄)² over the window (River's `variance`). */
  private variance = 0;
  private width = 0;
  private nBuckets = 0;
  private tick = 0;
  /** Largest |Δμ|/ε_cut seen at the last check (introspection only). */
  private lastRatio = 0;
  private seen = 0;
  private detections = 0;

  constructor(config: AdwinConfig = {}) {
    this.name = config.name ?? "adwin";
    this.delta = config.delta ?? 0.002;
    this.clock = config.clock ?? 32;
    this.maxBuckets = config.maxBuckets ?? 5;
    this.minWindowLength = config.minWindowLength ?? 5;
    this.gracePeriod = config.gracePeriod ?? 10;
    this.severityBands = config.severity ?? { warning: 1, critical: 3 };
    if (!(this.delta > 0 && this.delta < 1)) {
      throw new InvalidDetectorConfigError("ADWIN delta must be in (0, 1)", { delta: this.delta });
    }
    for (const [key, v] of [
      ["clock", this.clock],
      ["maxBuckets", this.maxBuckets],
      ["minWindowLength", this.minWindowLength],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new InvalidDetectorConfigError(`ADWIN ${key} must be an integer ≥ 1`, { [key]: v });
    }
    if (!(this.gracePeriod >= 0)) {
      throw new InvalidDetectorConfigError("ADWIN gracePeriod must be ≥ 0", { gracePeriod: this.gracePeriod });
    }
    this.reset();
  }

  /** Current window length |W|. */
  get windowWidth(): number {
    return this.width;
  }

  /** Mean of the current window μ̂_W (0 when empty). */
  get estimation(): number {
    return this.width === 0 ? 0 : this.total / this.width;
  }

  update(sample: ScalarSample): DetectorResult | undefined {
    const x = sample.value;
    if (!Number.isFinite(x)) throw new NonFiniteSampleError("ADWIN sample is not finite", { value: x });
    this.seen++;
    this.insertElement(x);
    const cut = this.detectChange();
    if (cut === undefined) return undefined;
    const onsetIndex = Math.max(0, sample.index - this.width + 1);
    const result: DetectorResult = {
      detector: this.name,
      statistic: cut.ratio,
      threshold: 1,
      at: positionOf(sample.index, sample.time),
      onset: positionOf(onsetIndex, undefined),
      severity: severityFromRatio(Math.abs(cut.deltaMean), this.severityBands),
      direction: cut.deltaMean > 0 ? "down" : "up",
      details: { deltaMean: cut.deltaMean, epsilon: cut.epsilon, width: this.width, mean: this.estimation },
    };
    this.detections++;
    this.reset();
    return result;
  }

  state(): DetectorState {
    return {
      detector: this.name,
      statistic: this.lastRatio,
      threshold: 1,
      samplesSinceReset: this.tick,
      samplesSeen: this.seen,
      detections: this.detections,
      extra: { width: this.width, mean: this.estimation, variance: this.width > 0 ? this.variance / this.width : 0 },
    };
  }

  reset(): void {
    this.rows = [new AdwinBucketRow(this.maxBuckets)];
    this.total = 0;
    this.variance = 0;
    this.width = 0;
    this.nBuckets = 0;
    this.tick = 0;
    this.lastRatio = 0;
  }

  private insertElement(value: number): void {
    this.rows[0]!.insert(value, 0);
    this.nBuckets += 1;
    this.width += 1;
    let incrementalVariance = 0;
    if (this.width > 1) {
      incrementalVariance =
        ((this.width - 1) * (value - this.total / (this.width - 1)) * (value - this.total / (this.width - 1))) /
        this.width;
    }
    this.variance += incrementalVariance;
    this.total += value;
    this.compressBuckets();
  }

  private compressBuckets(): void {
    let idx = 0;
    let row: AdwinBucketRow | undefined = this.rows[0];
    while (row !== undefined) {
      if (row.count !== this.maxBuckets + 1) break;
      let next = this.rows[idx + 1];
      if (next === undefined) {
        next = new AdwinBucketRow(this.maxBuckets);
        this.rows.push(next);
      }
      // Two buckets of n₁ = 2^idx samples: V₁₂ = V₁ + V₂ + n₁n₂(μ₁ − μ₂)²/(n₁ + n₂) = V₁ + V₂ + (n₁/2)(μ₁ − μ₂)².
      const n1 = 2 ** idx;
      const mu1 = row.total[0]! / n1;
      const mu2 = row.total[1]! / n1;
      const total12 = row.total[0]! + row.total[1]!;
      const temp = n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2);
      const v12 = row.variance[0]! + row.variance[1]! + temp;
      next.insert(total12, v12);
      this.nBuckets += 1;
      row.compress(2);
      if (next.count <= this.maxBuckets) break;
      row = this.rows[idx + 1];
      idx += 1;
    }
  }

  private deleteElement(): number {
    const last = this.rows.length - 1;
    const row = this.rows[last]!;
    const n = 2 ** last;
    const u = row.total[0]!;
    const mu = u / n;
    const v = row.variance[0]!;
    this.width -= n;
    this.total -= u;
    const muWindow = this.total / this.width;
    const incrementalVariance = v + (n * this.width * (mu - muWindow) * (mu - muWindow)) / (n + this.width);
    this.variance -= incrementalVariance;
    row.compress(1);
    this.nBuckets -= 1;
    if (row.count === 0) this.rows.pop();
    return n;
  }

  /** River's `_detect_change`; returns the first cut found at this check, if any. */
  private detectChange(): { ratio: number; deltaMean: number; epsilon: number } | undefined {
    let found: { ratio: number; deltaMean: number; epsilon: number } | undefined;
    this.tick += 1;
    if (this.tick % this.clock === 0 && this.width > this.gracePeriod) {
      this.lastRatio = 0;
      let reduceWidth = true;
      while (reduceWidth) {
        reduceWidth = false;
        let exit = false;
        let n0 = 0;
        let n1 = this.width;
        let u0 = 0;
        let u1 = this.total;
        for (let idx = this.rows.length - 1; idx >= 0; idx--) {
          if (exit) break;
          const row = this.rows[idx]!;
          const size = 2 ** idx;
          // Every bucket of every row is a cut point (MOA's loop, River's current one); the scan ends at the
          // newest sample. (River's older Cython loop skipped each row's newest bucket.)
          for (let k = 0; k < row.count; k++) {
            n0 += size;
            n1 -= size;
            u0 += row.total[k]!;
            u1 -= row.total[k]!;
            if (idx === 0 && k === row.count - 1) {
              exit = true;
              break;
            }
            const deltaMean = u0 / n0 - u1 / n1;
            if (n1 >= this.minWindowLength && n0 >= this.minWindowLength) {
              const epsilon = this.epsilonCut(n0, n1);
              const ratio = Math.abs(deltaMean) / epsilon;
              if (ratio > this.lastRatio) this.lastRatio = ratio;
              if (Math.abs(deltaMean) > epsilon) {
                reduceWidth = true;
                found ??= { ratio, deltaMean, epsilon };
                if (this.width > 0) {
                  n0 -= this.deleteElement();
                  exit = true;
                  break;
                }
              }
            }
          }
        }
      }
    }
    return found;
  }

  private epsilonCut(n0: number, n1: number): number {
    const deltaPrime = Math.log((2 * Math.log(this.width)) / this.delta);
    const mRecip = 1 / (n0 - this.minWindowLength + 1) + 1 / (n1 - this.minWindowLength + 1);
    const varianceInWindow = this.variance / this.width;
    return Math.sqrt(2 * mRecip * varianceInWindow * deltaPrime) + (2 / 3) * deltaPrime * mRecip;
  }

  toBytes(): Uint8Array {
    const w = new StateWriter(256)
      .header(DetectorKind.adwin)
      .string(this.name)
      .f64(this.delta)
      .f64(this.clock)
      .f64(this.maxBuckets)
      .f64(this.minWindowLength)
      .f64(this.gracePeriod)
      .f64(this.severityBands.warning)
      .f64(this.severityBands.critical)
      .f64(this.total)
      .f64(this.variance)
      .f64(this.width)
      .f64(this.nBuckets)
      .f64(this.tick)
      .f64(this.lastRatio)
      .f64(this.seen)
      .f64(this.detections)
      .u32(this.rows.length);
    for (const row of this.rows) {
      w.u8(row.count);
      for (let k = 0; k < row.count; k++) w.f64(row.total[k]!).f64(row.variance[k]!);
    }
    return w.finish();
  }

  /** Restores a detector serialized with `toBytes`; it continues bit-identically. */
  static fromBytes(bytes: Uint8Array): Adwin {
    const r = new StateReader(bytes).header(DetectorKind.adwin);
    const name = r.string();
    const delta = r.f64();
    const clock = r.f64();
    const maxBuckets = r.f64();
    const minWindowLength = r.f64();
    const gracePeriod = r.f64();
    const severity = { warning: r.f64(), critical: r.f64() };
    const d = new Adwin({ name, delta, clock, maxBuckets, minWindowLength, gracePeriod, severity });
    d.total = r.f64();
    d.variance = r.f64();
    d.width = r.f64();
    d.nBuckets = r.f64();
    d.tick = r.f64();
    d.lastRatio = r.f64();
    d.seen = r.f64();
    d.detections = r.f64();
    const nRows = r.u32();
    d.rows = [];
    for (let i = 0; i < nRows; i++) {
      const row = new AdwinBucketRow(maxBuckets);
      const count = r.u8();
      if (count > maxBuckets + 1) throw new DetectorStateFormatError("ADWIN row overfull in state", { count });
      for (let k = 0; k < count; k++) row.insert(r.f64(), r.f64());
      d.rows.push(row);
    }
    r.end();
    return d;
  }
}
