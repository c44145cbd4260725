import { InvalidFilterConfigError } from "../errors/invalid-filter-config-error.ts";
import {
  type CholeskyKernel,
  choleskyKernel,
  type FactorNisKernel,
  factorNisKernel,
  MAX_GENERATED_MEASUREMENT,
  MAX_GENERATED_STATE,
  type UnscentedGainKernel,
  unscentedGainKernel,
} from "../linalg/kalman-kernels.ts";
import { type ProductKernel, productABtKernel, productKernel } from "../linalg/specialized-kernels.ts";
import {
  type SigmaPointsKernel,
  sigmaPointsKernel,
  type UnscentedCrossKernel,
  type UnscentedMomentsKernel,
  unscentedCrossKernel,
  unscentedMomentsKernel,
} from "../linalg/unscented-kernels.ts";
import { GaussianFilter } from "./gaussian-filter.ts";
import type { SensorWorkspace } from "./sensor-workspace.ts";
import { type SigmaPointScheme, writeSigmaPoints } from "./sigma-points.ts";
import type { GaussianFilterOptions } from "./state-filter.ts";
import {
  type FilterPredictResult,
  type FilterUpdateResult,
  UnscentedPredictResult,
  UnscentedUpdateResult,
} from "./step-results.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/** Per-sensor buffers of the unscented update: γ = h(χ) ((2n+1)×m), residuals, transposes and kernels. */
interface UnscentedSensorBuffers {
  readonly all: Float64Array;
  readonly rows: Float64Array[];
  readonly res: Float64Array;
  readonly resRows: Float64Array[];
  readonly Rt: Float64Array;
  readonly RwT: Float64Array;
  readonly mulMean: ProductKernel;
  readonly mulS: ProductKernel;
  readonly mulPxz: ProductKernel;
  /** Generated fast-path kernels (null for large shapes). */
  readonly factorNis: FactorNisKernel | null;
  readonly gain: UnscentedGainKernel | null;
  readonly cross: UnscentedCrossKernel | null;
}

/** Options of the unscented filter: the common options plus its sigma-point scheme. */
export interface UnscentedKalmanFilterOptions extends GaussianFilterOptions {
  readonly sigmaPoints: SigmaPointScheme;
}

/**
 * Unscented Kalman filter (Julier & Uhlmann 1997; Wan & van der Merwe 2000), FilterPy's algorithm exactly.
 *
 * Predict(dt): χ = σ(x, P);  χfᵢ = f(χᵢ, dt, u);  x = Σ Wmᵢ χfᵢ;  P = Σ Wcᵢ (χfᵢ − x)(χfᵢ − x)ᵀ + Q.
 * Update(z): sigma points regenerated from the prior, χᵢ = σ(x, P) (FilterPy re-draws them after predict;
 * reusing χf would not match);  γᵢ = h(χᵢ, u);  ẑ = Σ Wmᵢ γᵢ (plain weighted mean, not circular);
 * rᵢ = γᵢ ⊖ ẑ (angles wrapped by the model's residual);  S = Σ Wcᵢ rᵢ rᵢᵀ + R;
 * Pxz = Σ Wcᵢ (χᵢ − x) rᵢᵀ;  K = Pxz S⁻¹;  y = z ⊖ ẑ;  x ← x + K y;  P ← P − K S Kᵀ.
 * σ(x, P) uses the lower Cholesky factor of c·P (see {@link SigmaPointScheme}); if c·P is not numerically
 * SPD the robust factoriser jitters or repairs it (counted in `health`) and P is replaced by the repaired one.
 */
export class UnscentedKalmanFilter extends GaussianFilter {
  readonly kind = "ukf";
  readonly sigmaPoints: SigmaPointScheme;
  private readonly scaledP: Float64Array;
  private readonly L: Float64Array;
  /** σ(posterior) for predict, f(χ) after it, and σ(prior) for updates: (2n+1)×n each. */
  private readonly chi: Float64Array;
  private readonly chiF: Float64Array;
  private readonly chiU: Float64Array;
  private readonly chiRows: Float64Array[];
  private readonly chiFRows: Float64Array[];
  private readonly chiURows: Float64Array[];
  /** γ = h(χu) per sensor ((2n+1)×m) and its row views; residual rows (2n+1)×m. */
  private readonly gamma: Map<string, UnscentedSensorBuffers>;
  private readonly Q: Float64Array;
  /** Deviations χᵢ − x transposed (n×(2n+1)) and the same scaled by Wcᵢ. */
  private readonly Dt: Float64Array;
  private readonly DwT: Float64Array;
  private readonly mulMean: ProductKernel;
  private readonly scalar = new Float64Array(1);
  /** Generated Cholesky for c·P (null for large n); the robust factoriser is the fallback. */
  private readonly chol: CholeskyKernel | null;
  private readonly mulCov: ProductKernel;
  /** Generated sigma points and predict moments (null for states above MAX_GENERATED_STATE). */
  private readonly sigmaKernel: SigmaPointsKernel | null;
  private readonly momentsKernel: UnscentedMomentsKernel | null;
  private cachedDt = Number.NaN;

  constructor(options: UnscentedKalmanFilterOptions) {
    super(options);
    const n = this.dimX;
    const sp = options.sigmaPoints;
    if (sp.n !== n) {
      throw new InvalidFilterConfigError(`sigma points are for n=${sp.n}, the state has ${n}`, { n: sp.n, dimX: n });
    }
    this.sigmaPoints = sp;
    const ns = sp.numSigmas;
    this.scaledP = new Float64Array(n * n);
    this.L = new Float64Array(n * n);
    this.chi = new Float64Array(ns * n);
    this.chiF = new Float64Array(ns * n);
    this.chiU = new Float64Array(ns * n);
    const rows = (a: Float64Array, w: number): Float64Array[] =>
      Array.from({ length: ns }, (_, i) => a.subarray(i * w, (i + 1) * w));
    this.chiRows = rows(this.chi, n);
    this.chiFRows = rows(this.chiF, n);
    this.chiURows = rows(this.chiU, n);
    this.gamma = new Map();
    for (const ws of this.sensorList) {
      const all = new Float64Array(ns * ws.m);
      const res = new Float64Array(ns * ws.m);
      const m = ws.m;
      const generated = n <= MAX_GENERATED_STATE && m <= MAX_GENERATED_MEASUREMENT;
      this.gamma.set(ws.name, {
        all,
        rows: rows(all, m),
        res,
        resRows: rows(res, m),
        Rt: new Float64Array(m * ns),
        RwT: new Float64Array(m * ns),
        mulMean: productKernel(1, ns, m),
        mulS: productABtKernel(m, ns, m),
        mulPxz: productABtKernel(n, ns, m),
        factorNis: generated ? factorNisKernel(m) : null,
        gain: generated ? unscentedGainKernel(n, m) : null,
        cross: generated ? unscentedCrossKernel(n, ns, m) : null,
      });
    }
    this.Q = new Float64Array(n * n);
    this.Dt = new Float64Array(n * ns);
    this.DwT = new Float64Array(n * ns);
    this.mulMean = productKernel(1, ns, n);
    this.chol = n <= MAX_GENERATED_STATE ? choleskyKernel(n) : null;
    this.mulCov = productABtKernel(n, ns, n);
    this.sigmaKernel = n <= MAX_GENERATED_STATE ? sigmaPointsKernel(n) : null;
    this.momentsKernel = n <= MAX_GENERATED_STATE ? unscentedMomentsKernel(n, ns) : null;
  }

  protected override createPredictResult(): FilterPredictResult {
    return new UnscentedPredictResult({ x: this.xBefore, P: this.PBefore }, { x: this.x, P: this.P });
  }

  protected override createUpdateResult(sensor: string): FilterUpdateResult {
    return new UnscentedUpdateResult(sensor, { x: this.xPrior, P: this.PPrior }, { x: this.x, P: this.P });
  }

  /** out ← σ(x, P): factor c·P robustly (writing a repaired P back) and place the points. */
  private sigma(out: Float64Array): boolean {
    const n = this.dimX;
    const c = this.sigmaPoints.scale;
    const P = this.P;
    if (this.sigmaKernel?.(this.x, P, c, out)) return true;
    const A = this.scaledP;
    for (let i = 0; i < n * n; i++) A[i] = c * P[i];
    if (this.chol?.(A, this.L)) {
      writeSigmaPoints(this.x, this.L, n, out);
      return true;
    }
    const repairs = this.health.choleskyJitters + this.health.choleskyRepairs;
    if (!this.stateFactorizer.factor(A, this.L)) return false;
    if (this.health.choleskyJitters + this.health.choleskyRepairs !== repairs) {
      for (let i = 0; i < n * n; i++) P[i] = A[i] / c;
    }
    writeSigmaPoints(this.x, this.L, n, out);
    return true;
  }

  protected predictState(dt: number): boolean {
    const n = this.dimX;
    const ns = this.sigmaPoints.numSigmas;
    const Wm = this.sigmaPoints.Wm;
    const Wc = this.sigmaPoints.Wc;
    if (!this.sigma(this.chi)) return false;
    const u = this.lastInput;
    for (let i = 0; i < ns; i++)
      this.transition.f(this.chiRows[i] as Float64Array, dt, u, this.chiFRows[i] as Float64Array);
    if (dt !== this.cachedDt) {
      this.transition.Q(dt, this.Q);
      this.cachedDt = dt;
    }
    const r = this.predictResult as UnscentedPredictResult;
    r.sigmaPoints = this.chi;
    r.propagatedSigmaPoints = this.chiF;
    if (this.momentsKernel !== null) return this.momentsKernel(this.chiF, Wm, Wc, this.Q, this.x, this.P);
    // x = Wmᵀ χf;  P = Dw Dᵀ + Q with D[:, i] = χfᵢ − x and Dw[:, i] = Wcᵢ·D[:, i] (n×(2n+1), transposed)
    const x = this.x;
    const P = this.P;
    const chiF = this.chiF;
    this.mulMean(Wm, chiF, x);
    const Dt = this.Dt;
    const DwT = this.DwT;
    for (let i = 0; i < ns; i++) {
      const w = Wc[i] as number;
      for (let j = 0; j < n; j++) {
        const d = (chiF[i * n + j] as number) - (x[j] as number);
        Dt[j * ns + i] = d;
        DwT[j * ns + i] = w * d;
      }
    }
    this.mulCov(DwT, Dt, P);
    const Q = this.Q;
    const nn = n * n;
    for (let i = 0; i < nn; i++) P[i] += Q[i] as number;
    return this.finishStep();
  }

  /** Invalidates the cached Q (after a restore). */
  invalidateCaches(): void {
    this.cachedDt = Number.NaN;
  }

  protected updateState(ws: SensorWorkspace, r: FilterUpdateResult): "accepted" | "gated" | "numerical" {
    const m = ws.m;
    const ns = this.sigmaPoints.numSigmas;
    const Wm = this.sigmaPoints.Wm;
    const Wc = this.sigmaPoints.Wc;
    const ur = r as UnscentedUpdateResult;
    if (!this.sigma(this.chiU)) return "numerical";
    this.copyP(this.P, this.PPrior);
    const g = this.gamma.get(ws.name) as UnscentedSensorBuffers;
    const u = this.lastInput;
    for (let i = 0; i < ns; i++) ws.model.h(this.chiURows[i] as Float64Array, u, g.rows[i] as Float64Array);
    const zHat = ws.zHat;
    const gam = g.all;
    g.mulMean(Wm, gam, zHat);
    for (let i = 0; i < ns; i++) ws.model.residual(g.rows[i] as Float64Array, zHat, g.resRows[i] as Float64Array);
    // S = Σ Wcᵢ rᵢ rᵢᵀ + R;  Pxz = Σ Wcᵢ (χᵢ − x) rᵢᵀ
    const S = ws.S;
    const C = ws.C;
    if (g.cross !== null) g.cross(g.res, this.chiU, this.x, Wc, ws.R, S, C);
    else this.crossSumsGeneric(g, ws);
    ws.model.residual(ws.z, zHat, ws.y);
    ur.sigmaPoints = this.chiU;
    ur.sigmaMeasurements = gam;
    ur.Pxz = C;
    if (g.factorNis !== null && g.gain !== null) {
      // Generated fast path; a non-positive pivot falls through to the robust generic path below.
      const nis = g.factorNis(S, ws.y, ws.LS, this.scalar);
      const logDet = this.scalar[0] as number;
      if (Number.isFinite(nis) && Number.isFinite(logDet)) {
        r.predictedMeasurement = zHat;
        r.y = ws.y;
        r.S = S;
        r.nis = nis;
        r.logLikelihood = -0.5 * (m * LOG_2PI + logDet + nis);
        if (nis > ws.gateThreshold) return "gated";
        r.K = ws.K;
        return g.gain(ws.LS, C, ws.y, this.x, S, ws.K, this.P) ? "accepted" : "numerical";
      }
    }
    const step = this.innovationAndGain(ws, r);
    if (step !== "continue") return step;
    // P ← P − (K S) Kᵀ
    const n = this.dimX;
    const K = ws.K;
    const KS = ws.KM;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += K[i * m + k] * S[k * m + j];
        KS[i * m + j] = s;
      }
    }
    const P = this.P;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += KS[i * m + k] * K[j * m + k];
        P[i * n + j] -= s;
      }
    }
    return this.finishStep() ? "accepted" : "numerical";
  }

  /** Generic S = Σ Wcᵢ rᵢ rᵢᵀ + R and Pxz = Σ Wcᵢ (χᵢ − x) rᵢᵀ, as products of transposed deviation matrices. */
  private crossSumsGeneric(g: UnscentedSensorBuffers, ws: SensorWorkspace): void {
    const n = this.dimX;
    const m = ws.m;
    const ns = this.sigmaPoints.numSigmas;
    const Wc = this.sigmaPoints.Wc;
    const res = g.res;
    const chiU = this.chiU;
    const x = this.x;
    const Rt = g.Rt;
    const RwT = g.RwT;
    const DwT = this.DwT;
    for (let i = 0; i < ns; i++) {
      const w = Wc[i] as number;
      for (let a = 0; a < m; a++) {
        const v = res[i * m + a] as number;
        Rt[a * ns + i] = v;
        RwT[a * ns + i] = w * v;
      }
      for (let a = 0; a < n; a++) DwT[a * ns + i] = w * ((chiU[i * n + a] as number) - (x[a] as number));
    }
    g.mulS(RwT, Rt, ws.S);
    const S = ws.S;
    const R = ws.R;
    for (let i = 0; i < m * m; i++) S[i] += R[i] as number;
    g.mulPxz(DwT, Rt, ws.C);
  }
}
