import { InvalidFilterConfigError } from "../errors/invalid-filter-config-error.ts";
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
  private readonly gamma: Map<
    string,
    { all: Float64Array; rows: Float64Array[]; res: Float64Array; resRows: Float64Array[] }
  >;
  private readonly Q: Float64Array;
  private readonly dx: Float64Array;
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
      this.gamma.set(ws.name, { all, rows: rows(all, ws.m), res, resRows: rows(res, ws.m) });
    }
    this.Q = new Float64Array(n * n);
    this.dx = new Float64Array(n);
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
    const A = this.scaledP;
    const P = this.P;
    for (let i = 0; i < n * n; i++) A[i] = c * P[i];
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
    const x = this.x;
    const P = this.P;
    const chiF = this.chiF;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < ns; i++) s += Wm[i] * chiF[i * n + j];
      x[j] = s;
    }
    P.set(this.Q);
    const d = this.dx;
    for (let i = 0; i < ns; i++) {
      const w = Wc[i];
      for (let j = 0; j < n; j++) d[j] = chiF[i * n + j] - x[j];
      for (let a = 0; a < n; a++) {
        const wa = w * d[a];
        for (let b = 0; b < n; b++) P[a * n + b] += wa * d[b];
      }
    }
    const r = this.predictResult as UnscentedPredictResult;
    r.sigmaPoints = this.chi;
    r.propagatedSigmaPoints = this.chiF;
    return this.finishStep();
  }

  /** Invalidates the cached Q (after a restore). */
  invalidateCaches(): void {
    this.cachedDt = Number.NaN;
  }

  protected updateState(ws: SensorWorkspace, r: FilterUpdateResult): "accepted" | "gated" | "numerical" {
    const n = this.dimX;
    const m = ws.m;
    const ns = this.sigmaPoints.numSigmas;
    const Wm = this.sigmaPoints.Wm;
    const Wc = this.sigmaPoints.Wc;
    const ur = r as UnscentedUpdateResult;
    if (!this.sigma(this.chiU)) return "numerical";
    this.PPrior.set(this.P);
    const g = this.gamma.get(ws.name) as NonNullable<ReturnType<typeof this.gamma.get>>;
    const u = this.lastInput;
    for (let i = 0; i < ns; i++) ws.model.h(this.chiURows[i] as Float64Array, u, g.rows[i] as Float64Array);
    const zHat = ws.zHat;
    const gam = g.all;
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let i = 0; i < ns; i++) s += Wm[i] * gam[i * m + j];
      zHat[j] = s;
    }
    for (let i = 0; i < ns; i++) ws.model.residual(g.rows[i] as Float64Array, zHat, g.resRows[i] as Float64Array);
    const S = ws.S;
    const C = ws.C;
    const res = g.res;
    const chiU = this.chiU;
    const x = this.x;
    S.set(ws.R);
    C.fill(0);
    const d = this.dx;
    for (let i = 0; i < ns; i++) {
      const w = Wc[i];
      const ri = i * m;
      for (let a = 0; a < m; a++) {
        const wa = w * res[ri + a];
        for (let b = 0; b < m; b++) S[a * m + b] += wa * res[ri + b];
      }
      for (let a = 0; a < n; a++) d[a] = chiU[i * n + a] - x[a];
      for (let a = 0; a < n; a++) {
        const wa = w * d[a];
        for (let b = 0; b < m; b++) C[a * m + b] += wa * res[ri + b];
      }
    }
    ws.model.residual(ws.z, zHat, ws.y);
    ur.sigmaPoints = this.chiU;
    ur.sigmaMeasurements = gam;
    ur.Pxz = C;
    const step = this.innovationAndGain(ws, r);
    if (step !== "continue") return step;
    // P ← P − (K S) Kᵀ
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
}
