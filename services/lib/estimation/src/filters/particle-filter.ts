import { InvalidFilterConfigError } from "../errors/invalid-filter-config-error.ts";
import { choleskyLower, choleskySemidefinite } from "../linalg/cholesky.ts";
import { choleskyLogDeterminant, choleskyQuadraticForm } from "../linalg/cholesky-solve.ts";
import { allFinite } from "../linalg/matrix-elementwise.ts";
import { type CentralInterval, weightedQuantiles } from "../outputs/central-interval.ts";
import { Xoshiro128 } from "../random/xoshiro128.ts";
import { multinomialResample } from "../resampling/multinomial-resample.ts";
import type { Resampler, ResamplerName } from "../resampling/resampler.ts";
import { residualResample } from "../resampling/residual-resample.ts";
import { stratifiedResample } from "../resampling/stratified-resample.ts";
import { systematicResample } from "../resampling/systematic-resample.ts";
import { FilterBase } from "./filter-base.ts";
import type { FilterSnapshot, ParticleSnapshot } from "./filter-snapshot.ts";
import type { SensorWorkspace } from "./sensor-workspace.ts";
import type { GaussianFilterOptions, GaussianMoments } from "./state-filter.ts";
import { FilterPredictResult, FilterUpdateResult } from "./step-results.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/** Options of the particle filter. */
export interface ParticleFilterOptions extends GaussianFilterOptions {
  /** Number of particles N. */
  readonly particles: number;
  /** PRNG seed (uint32); the same seed and inputs give bit-identical clouds. */
  readonly seed: number;
  readonly resampler: ResamplerName;
  /** Resample when the effective sample size 1/Σwᵢ² < essThreshold·N (0 never, 1 always). Default 0.5. */
  readonly essThreshold?: number;
  /** Roughening constant K (Gordon et al. 1993); 0 or absent disables roughening. */
  readonly roughening?: number;
}

/** The resampler function of each name. */
export const RESAMPLERS: Readonly<Record<ResamplerName, Resampler>> = {
  systematic: systematicResample,
  stratified: stratifiedResample,
  residual: residualResample,
  multinomial: multinomialResample,
};

/**
 * Bootstrap particle filter (sequential importance resampling; Gordon, Salmond & Smith 1993).
 *
 * Particles xᵢ (N×n row-major) with normalised weights wᵢ, initialised xᵢ ~ N(x0, P0), wᵢ = 1/N.
 * Predict: xᵢ ← f(xᵢ, dt, u) + L_Q·εᵢ, εᵢ ~ N(0, I), L_Q a (semi-definite) Cholesky factor of Q(dt); one
 *   normal is drawn per non-zero column of L_Q (a rank-deficient Q needs fewer draws).
 * Update: ℓᵢ = log N(z ⊖ h(xᵢ); 0, R);  wᵢ ← wᵢ e^{ℓᵢ} / Σⱼ wⱼ e^{ℓⱼ} (log-sum-exp, max-shifted);
 *   logLikelihood = log Σᵢ wᵢ e^{ℓᵢ} (the SIR estimate of p(z | past));
 *   innovation diagnostics from the predicted measurement cloud: ẑ = Σ wᵢ h(xᵢ), S = Σ wᵢ rᵢrᵢᵀ + R with
 *   rᵢ = h(xᵢ) ⊖ ẑ, y = z ⊖ ẑ, nis = yᵀS⁻¹y (used by the NIS gate, as for the Gaussian filters);
 *   resample when ESS = 1/Σwᵢ² < essThreshold·N, then wᵢ = 1/N and, if K > 0, roughen:
 *   xᵢ,d += K·E_d·N^(−1/n)·εᵢ,d with E_d the range (max − min) of dimension d over the cloud.
 * mean() and covariance() are the weighted moments Σwᵢxᵢ and Σwᵢ(xᵢ−x̄)(xᵢ−x̄)ᵀ. New particle values are
 * written into a second buffer and swapped in only when finite, so a failed step leaves the cloud intact.
 */
export class ParticleFilter extends FilterBase {
  readonly kind = "pf";
  readonly numParticles: number;
  readonly resamplerName: ResamplerName;
  readonly essThreshold: number;
  readonly roughening: number;
  readonly seed: number;
  /** The generator; its state is part of the filter state. */
  readonly rng: Xoshiro128;
  private cloud: Float64Array;
  private spareCloud: Float64Array;
  private rows: Float64Array[];
  private spareRows: Float64Array[];
  private weights: Float64Array;
  private spareWeights: Float64Array;
  private readonly resample: Resampler;
  private readonly uniform: () => number;
  private readonly indices: Int32Array;
  private readonly scratch: Float64Array;
  private readonly Q: Float64Array;
  private readonly LQ: Float64Array;
  private readonly eps: Float64Array;
  private readonly noiseColumns: Int32Array;
  private noiseColumnCount = 0;
  private readonly fx: Float64Array;
  private readonly gammas: Map<string, { all: Float64Array; rows: Float64Array[] }>;
  private readonly logLik: Float64Array;
  private cachedDt = Number.NaN;
  private rngCheckpoint: ReturnType<Xoshiro128["getState"]>;
  /** x and P are computed from the cloud on demand (they cost O(N·n²)). */
  private momentsDirty = true;
  /** While the moments are dirty: x is already current (read alone through a result), P is not. */
  private meanFresh = false;

  constructor(options: ParticleFilterOptions) {
    super(options);
    const N = options.particles;
    const n = this.dimX;
    if (!Number.isInteger(N) || N < 2) throw new InvalidFilterConfigError("particles must be an integer ≥ 2", { N });
    const ess = options.essThreshold ?? 0.5;
    if (!(ess >= 0 && ess <= 1)) throw new InvalidFilterConfigError("essThreshold must be in [0, 1]", { ess });
    const K = options.roughening ?? 0;
    if (!(K >= 0) || !Number.isFinite(K)) throw new InvalidFilterConfigError("roughening must be ≥ 0", { K });
    const resample = RESAMPLERS[options.resampler];
    if (resample === undefined) {
      throw new InvalidFilterConfigError(`unknown resampler "${String(options.resampler)}"`);
    }
    this.numParticles = N;
    this.resamplerName = options.resampler;
    this.resample = resample;
    this.essThreshold = ess;
    this.roughening = K;
    this.seed = options.seed >>> 0;
    this.rng = new Xoshiro128(this.seed);
    this.uniform = () => this.rng.nextFloat();
    this.cloud = new Float64Array(N * n);
    this.spareCloud = new Float64Array(N * n);
    this.rows = Array.from({ length: N }, (_, i) => this.cloud.subarray(i * n, (i + 1) * n));
    this.spareRows = Array.from({ length: N }, (_, i) => this.spareCloud.subarray(i * n, (i + 1) * n));
    this.weights = new Float64Array(N);
    this.spareWeights = new Float64Array(N);
    this.indices = new Int32Array(N);
    this.scratch = new Float64Array(N);
    this.Q = new Float64Array(n * n);
    this.LQ = new Float64Array(n * n);
    this.eps = new Float64Array(n);
    this.noiseColumns = new Int32Array(n);
    this.fx = new Float64Array(n);
    this.logLik = new Float64Array(N);
    this.gammas = new Map();
    for (const ws of this.sensorList) {
      const all = new Float64Array(N * ws.m);
      this.gammas.set(ws.name, {
        all,
        rows: Array.from({ length: N }, (_, i) => all.subarray(i * ws.m, (i + 1) * ws.m)),
      });
      if (!choleskyLower(ws.R, ws.LR, ws.m)) {
        throw new InvalidFilterConfigError(`sensor "${ws.name}": R must be positive definite`, { sensor: ws.name });
      }
    }
    this.rngCheckpoint = this.rng.getState();
    this.resetState(options.x0, options.P0);
    this.momentsDirty = true;
    this.meanFresh = false;
  }

  /** Draws a fresh cloud xᵢ ~ N(x0, P0) with equal weights. */
  protected resetState(x0: Float64Array, P0: Float64Array): void {
    const n = this.dimX;
    const N = this.numParticles;
    const L = new Float64Array(n * n);
    if (!choleskySemidefinite(P0, L, n)) throw new InvalidFilterConfigError("P0 is not positive semi-definite");
    for (let i = 0; i < N; i++) {
      const row = this.rows[i] as Float64Array;
      for (let d = 0; d < n; d++) this.eps[d] = this.rng.nextNormal();
      for (let a = 0; a < n; a++) {
        let s = x0[a] as number;
        for (let b = 0; b <= a; b++) s += (L[a * n + b] as number) * (this.eps[b] as number);
        row[a] = s;
      }
    }
    this.weights.fill(1 / N);
    this.momentsDirty = true;
    this.meanFresh = false;
  }

  /** The particle positions (N×n, row-major) — a copy. */
  particles(): Float64Array {
    this.assertUsable();
    return this.cloud.slice();
  }

  /** The normalised weights (length N) — a copy. */
  particleWeights(): Float64Array {
    this.assertUsable();
    return this.weights.slice();
  }

  /** Central intervals from weighted particle quantiles [(1−level)/2, (1+level)/2] per variable. */
  override intervals(levels: readonly number[]): CentralInterval[] {
    this.assertUsable();
    const n = this.dimX;
    const N = this.numParticles;
    const column = new Float64Array(N);
    const order = new Int32Array(N);
    for (const level of levels) {
      if (!(level > 0 && level < 1)) throw new RangeError(`interval level must be in (0, 1), got ${level}`);
    }
    // Every bound of every level from one sort per variable: probabilities ascending, then mapped back.
    const qs = levels.flatMap((level) => [(1 - level) / 2, (1 + level) / 2]).sort((a, b) => a - b);
    const at = new Float64Array(qs.length);
    const out = levels.map((level) => ({ level, lower: new Float64Array(n), upper: new Float64Array(n) }));
    for (let d = 0; d < n; d++) {
      for (let i = 0; i < N; i++) column[i] = this.cloud[i * n + d] as number;
      weightedQuantiles(column, this.weights, qs, order, at);
      out.forEach(({ level, lower, upper }) => {
        lower[d] = at[qs.indexOf((1 - level) / 2)] as number;
        upper[d] = at[qs.indexOf((1 + level) / 2)] as number;
      });
    }
    return out;
  }

  /** Effective sample size 1/Σwᵢ². */
  effectiveSampleSize(): number {
    let s = 0;
    for (let i = 0; i < this.numParticles; i++) s += (this.weights[i] as number) ** 2;
    return 1 / s;
  }

  /** Brings the lazily computed moments x = Σ wᵢ xᵢ, P = Σ wᵢ (xᵢ − x)(xᵢ − x)ᵀ up to date. */
  protected override syncMoments(): void {
    if (!this.momentsDirty) return;
    weightedMoments(this.cloud, this.weights, this.numParticles, this.dimX, this.x, this.P, this.eps);
    this.momentsDirty = false;
  }

  protected override createPredictResult(): FilterPredictResult {
    return new FilterPredictResult(new CloudMoments(this.dimX), this.liveMoments());
  }

  protected override createUpdateResult(sensor: string): FilterUpdateResult {
    return new FilterUpdateResult(sensor, new CloudMoments(this.dimX), this.liveMoments());
  }

  /** Brings only the mean x = Σ wᵢ xᵢ up to date (a reader of x alone does not pay for P). */
  private syncMean(): void {
    if (!this.momentsDirty || this.meanFresh) return;
    weightedMean(this.cloud, this.weights, this.numParticles, this.dimX, this.x);
    this.meanFresh = true;
  }

  /** Moments view of the live cloud, computed on first read (x alone, or x and P). */
  private liveMoments(): GaussianMoments {
    const self = this;
    return {
      get x() {
        self.syncMean();
        return self.x;
      },
      get P() {
        self.syncMoments();
        return self.P;
      },
    };
  }

  /** The result's prior points at the current buffers: they stay intact until the next step (double buffering). */
  protected override saveMomentsBeforePredict(): void {
    (this.predictResult.prior as CloudMoments).point(this.cloud, this.weights, this.numParticles);
  }

  protected override saveMomentsBeforeUpdate(r: FilterUpdateResult): void {
    (r.prior as CloudMoments).point(this.cloud, this.weights, this.numParticles);
  }

  private swapClouds(): void {
    const c = this.cloud;
    this.cloud = this.spareCloud;
    this.spareCloud = c;
    const r = this.rows;
    this.rows = this.spareRows;
    this.spareRows = r;
  }

  protected savePredictCheckpoint(): void {
    this.rngCheckpoint = this.rng.getState();
  }

  protected restorePredictCheckpoint(): void {
    this.rng.setState(this.rngCheckpoint);
    this.momentsDirty = true;
    this.meanFresh = false;
  }

  protected saveUpdateCheckpoint(): void {
    this.rngCheckpoint = this.rng.getState();
  }

  protected restoreUpdateCheckpoint(): void {
    this.rng.setState(this.rngCheckpoint);
    this.momentsDirty = true;
    this.meanFresh = false;
  }

  protected predictState(dt: number): boolean {
    const n = this.dimX;
    const N = this.numParticles;
    const LQ = this.LQ;
    const cols = this.noiseColumns;
    if (dt !== this.cachedDt) {
      this.transition.Q(dt, this.Q);
      if (!choleskySemidefinite(this.Q, LQ, n)) return false;
      // Only the non-zero columns of L_Q need a normal draw (Q is often rank deficient).
      let count = 0;
      for (let b = 0; b < n; b++) {
        let nonzero = false;
        for (let a = b; a < n; a++) if (LQ[a * n + b] !== 0) nonzero = true;
        if (nonzero) cols[count++] = b;
      }
      this.noiseColumnCount = count;
      this.cachedDt = dt;
    }
    const nc = this.noiseColumnCount;
    const fx = this.fx;
    const u = this.lastInput;
    const rng = this.rng;
    for (let i = 0; i < N; i++) {
      this.transition.f(this.rows[i] as Float64Array, dt, u, fx);
      const out = this.spareRows[i] as Float64Array;
      for (let a = 0; a < n; a++) out[a] = fx[a] as number;
      for (let c = 0; c < nc; c++) {
        const b = cols[c] as number;
        const e = rng.nextNormal();
        for (let a = b; a < n; a++) out[a] = (out[a] as number) + (LQ[a * n + b] as number) * e;
      }
    }
    if (!allFinite(this.spareCloud)) return false;
    this.swapClouds();
    this.momentsDirty = true;
    this.meanFresh = false;
    return true;
  }

  protected updateState(ws: SensorWorkspace, r: FilterUpdateResult): "accepted" | "gated" | "numerical" | "degenerate" {
    const N = this.numParticles;
    const m = ws.m;
    const u = this.lastInput;
    const g = this.gammas.get(ws.name) as { all: Float64Array; rows: Float64Array[] };
    const w = this.weights;
    const zHat = ws.zHat;
    const gam = g.all;
    for (let i = 0; i < N; i++) ws.model.h(this.rows[i] as Float64Array, u, g.rows[i] as Float64Array);
    zHat.fill(0);
    for (let i = 0; i < N; i++) {
      const wi = w[i] as number;
      for (let a = 0; a < m; a++) zHat[a] += wi * (gam[i * m + a] as number);
    }
    // S = Σ wᵢ rᵢ rᵢᵀ + R with rᵢ = γᵢ ⊖ ẑ; ℓᵢ = log N(z ⊖ γᵢ; 0, R)
    const S = ws.S;
    S.set(ws.R);
    const res = ws.y;
    const work = ws.work;
    const logNorm = -0.5 * (m * LOG_2PI + choleskyLogDeterminant(ws.LR, m));
    const ll = this.logLik;
    for (let i = 0; i < N; i++) {
      const gi = g.rows[i] as Float64Array;
      ws.model.residual(gi, zHat, res);
      const wi = w[i] as number;
      for (let a = 0; a < m; a++) {
        const wa = wi * (res[a] as number);
        for (let b = 0; b < m; b++) S[a * m + b] += wa * (res[b] as number);
      }
      ws.model.residual(ws.z, gi, res);
      ll[i] = logNorm - 0.5 * choleskyQuadraticForm(ws.LR, res, work, m);
    }
    ws.model.residual(ws.z, zHat, ws.y);
    r.predictedMeasurement = zHat;
    r.y = ws.y;
    r.S = S;
    if (!ws.factorizer.factor(S, ws.LS)) return "numerical";
    const nis = choleskyQuadraticForm(ws.LS, ws.y, work, m);
    r.nis = nis;
    // wᵢ e^{ℓᵢ} = e^{max ℓ} · wᵢ e^{ℓᵢ − max ℓ}: max-shifted, no logarithm of the weights on the common path
    let maxLl = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < N; i++) if ((ll[i] as number) > maxLl) maxLl = ll[i] as number;
    if (maxLl === Number.NEGATIVE_INFINITY) return "degenerate";
    if (!Number.isFinite(maxLl) || !Number.isFinite(nis)) return "numerical";
    const nw = this.spareWeights;
    let sum = 0;
    for (let i = 0; i < N; i++) {
      const e = (w[i] as number) * Math.exp((ll[i] as number) - maxLl);
      nw[i] = e;
      sum += e;
    }
    let maxLw = maxLl;
    if (!(sum > 0)) {
      // Every product underflowed: redo it in the log domain, log wᵢ + ℓᵢ shifted by its maximum.
      maxLw = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < N; i++) {
        const lw = Math.log(w[i] as number) + (ll[i] as number);
        ll[i] = lw;
        if (lw > maxLw) maxLw = lw;
      }
      if (maxLw === Number.NEGATIVE_INFINITY) return "degenerate";
      sum = 0;
      for (let i = 0; i < N; i++) {
        const e = Math.exp((ll[i] as number) - maxLw);
        nw[i] = e;
        sum += e;
      }
    }
    const logLikelihood = maxLw + Math.log(sum);
    r.logLikelihood = logLikelihood;
    if (!Number.isFinite(logLikelihood) || !(sum > 0)) return "numerical";
    if (nis > ws.gateThreshold) return "gated";
    let sumSq = 0;
    for (let i = 0; i < N; i++) {
      const v = (nw[i] as number) / sum;
      nw[i] = v;
      sumSq += v * v;
    }
    // Commit: every check that can fail has passed, so the cloud is never left half-updated.
    this.spareWeights = this.weights;
    this.weights = nw;
    this.momentsDirty = true;
    this.meanFresh = false;
    if (1 / sumSq < this.essThreshold * N) this.resampleCloud();
    return "accepted";
  }

  /** Resamples (and roughens) the cloud into the spare buffer and swaps it in; weights become 1/N. */
  private resampleCloud(): void {
    const n = this.dimX;
    const N = this.numParticles;
    const idx = this.resample(this.weights, this.uniform, this.indices, this.scratch);
    const src = this.cloud;
    const dst = this.spareCloud;
    for (let i = 0; i < N; i++) {
      const s = (idx[i] as number) * n;
      for (let a = 0; a < n; a++) dst[i * n + a] = src[s + a] as number;
    }
    this.swapClouds();
    this.weights.fill(1 / N);
    this.health.resamples++;
    if (this.roughening > 0) this.roughen();
  }

  /** xᵢ,d += K·E_d·N^(−1/n)·ε (Gordon, Salmond & Smith 1993), E_d = max − min of dimension d. */
  private roughen(): void {
    const n = this.dimX;
    const N = this.numParticles;
    const c = this.cloud;
    const scale = this.roughening * N ** (-1 / n);
    const sigma = this.eps;
    for (let a = 0; a < n; a++) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < N; i++) {
        const v = c[i * n + a] as number;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      sigma[a] = scale * (hi - lo);
    }
    for (let i = 0; i < N; i++)
      for (let a = 0; a < n; a++) c[i * n + a] += (sigma[a] as number) * this.rng.nextNormal();
  }

  /** Invalidates the cached Q factor (after a restore). */
  invalidateCaches(): void {
    this.cachedDt = Number.NaN;
  }

  protected override captureExtra(): ParticleSnapshot {
    return { cloud: this.cloud.slice(), weights: this.weights.slice(), rng: this.rng.getState() };
  }

  protected override restoreExtra(s: FilterSnapshot): void {
    const p = s.particles;
    if (p === undefined || p.cloud.length !== this.cloud.length || p.weights.length !== this.numParticles) {
      throw new InvalidFilterConfigError("snapshot does not hold a particle cloud of this filter's size");
    }
    this.cloud.set(p.cloud);
    this.weights.set(p.weights);
    this.rng.setState({ words: p.rng.words.slice(), hasSpare: p.rng.hasSpare, spare: p.rng.spare });
    this.momentsDirty = true;
    this.meanFresh = false;
  }
}

/** x ← Σ wᵢ xᵢ, P ← Σ wᵢ (xᵢ − x)(xᵢ − x)ᵀ for a cloud (N×n) and weights; `d` is n scratch. */
function weightedMoments(
  c: Float64Array,
  w: Float64Array,
  N: number,
  n: number,
  x: Float64Array,
  P: Float64Array,
  d: Float64Array,
): void {
  weightedMean(c, w, N, n, x);
  P.fill(0);
  for (let i = 0; i < N; i++) {
    const wi = w[i] as number;
    for (let a = 0; a < n; a++) d[a] = (c[i * n + a] as number) - (x[a] as number);
    for (let a = 0; a < n; a++) {
      const wa = wi * (d[a] as number);
      for (let b = a; b < n; b++) P[a * n + b] += wa * (d[b] as number);
    }
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) P[a * n + b] = P[b * n + a] as number;
}

/** x ← Σ wᵢ xᵢ over the N×n cloud (the mean part of {@link weightedMoments}, same arithmetic). */
function weightedMean(c: Float64Array, w: Float64Array, N: number, n: number, x: Float64Array): void {
  x.fill(0);
  for (let i = 0; i < N; i++) {
    const wi = w[i] as number;
    for (let a = 0; a < n; a++) x[a] += wi * (c[i * n + a] as number);
  }
}

/**
 * Moments of a cloud held by reference (a result's prior), computed on first read. The referenced buffers
 * stay intact until the filter's next step thanks to double buffering, matching the result lifetime rule.
 */
class CloudMoments implements GaussianMoments {
  private readonly xb: Float64Array;
  private readonly Pb: Float64Array;
  private readonly d: Float64Array;
  private cloud: Float64Array = new Float64Array(0);
  private weights: Float64Array = new Float64Array(0);
  private N = 0;
  private dirty = false;

  constructor(n: number) {
    this.xb = new Float64Array(n);
    this.Pb = new Float64Array(n * n);
    this.d = new Float64Array(n);
  }

  point(cloud: Float64Array, weights: Float64Array, N: number): void {
    this.cloud = cloud;
    this.weights = weights;
    this.N = N;
    this.dirty = true;
  }

  private sync(): void {
    if (!this.dirty) return;
    weightedMoments(this.cloud, this.weights, this.N, this.xb.length, this.xb, this.Pb, this.d);
    this.dirty = false;
  }

  get x(): Float64Array {
    this.sync();
    return this.xb;
  }

  get P(): Float64Array {
    this.sync();
    return this.Pb;
  }
}
