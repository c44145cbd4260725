import type { FactorNisKernel, GainJosephKernel, InnovationCovarianceKernel } from "../linalg/kalman-kernels.ts";
import { readStructure } from "../linalg/matrix-structure.ts";
import type { FactorizationCounters } from "../linalg/spd-factorizer.ts";
import { SpdFactorizer } from "../linalg/spd-factorizer.ts";
import { type ProductKernel, productABtKernel, productKernel } from "../linalg/specialized-kernels.ts";
import type { MeasurementModel } from "../models/measurement-model.ts";
import { chiSquareQuantile } from "../statistics/chi-square-quantile.ts";
import type { SensorConfig } from "./state-filter.ts";

/**
 * Preallocated buffers for one sensor of a filter (dimension m = dimZ, n = dimX), so updates allocate
 * nothing: predicted measurement ẑ, innovation y, S and its Cholesky factor, gain K and intermediates.
 */
export class SensorWorkspace {
  readonly name: string;
  readonly model: MeasurementModel;
  readonly m: number;
  /** NIS gate threshold χ²⁻¹(probability; m), or Infinity when the sensor has no gate. */
  readonly gateThreshold: number;
  readonly gateProbability: number | undefined;
  readonly R: Float64Array;
  /** Lower Cholesky factor of R (particle filter likelihood). */
  readonly LR: Float64Array;
  readonly z: Float64Array;
  readonly zHat: Float64Array;
  readonly y: Float64Array;
  readonly S: Float64Array;
  readonly LS: Float64Array;
  /** H (m×n): Jacobian of h, cached once for linear models. */
  readonly H: Float64Array;
  /** Cross term C (n×m): P·Hᵀ for the (E)KF, Pxz for the UKF; K = C·S⁻¹. */
  readonly C: Float64Array;
  /** Scratch (at least m×m): receives L⁻¹ while S⁻¹ is formed. */
  readonly Kt: Float64Array;
  readonly K: Float64Array;
  /** K·R or K·S (n×m). */
  readonly KM: Float64Array;
  readonly work: Float64Array;
  /** Robust factoriser of S (dimension m), counting repairs into the filter's health. */
  readonly factorizer: SpdFactorizer;
  hCached = false;
  /** Generated whole-update kernels for this shape (set by the Kalman filters when the shape is small). */
  factorNis: FactorNisKernel | null = null;
  gainJoseph: GainJosephKernel | null = null;
  /** Generated C = P Hᵀ, S = H C + R for the current structure of H (null: generic products). */
  innovationCovariance: InnovationCovarianceKernel | null = null;
  /** Structure codes of H (m×n) and R (m×m) the generated kernels were built for (matrix-structure.ts). */
  readonly structureH: Uint8Array;
  readonly structureR: Uint8Array;
  /** The filter's reusable update result for this sensor (set by the filter). */
  result: unknown = undefined;
  /** Shape-specialised products: C = P·Hᵀ, S = H·C, K·M (M = R or S), (K·M)·Kᵀ. */
  readonly mulPHt: ProductKernel;
  readonly mulHC: ProductKernel;
  /** K·Cᵀ (n×m times (n×m)ᵀ). */
  readonly mulKCt: ProductKernel;
  /** C·S⁻¹ (n×m times m×m). */
  readonly mulCSinv: ProductKernel;
  /** S⁻¹ (m×m). */
  readonly Sinv: Float64Array;
  readonly mulKM: ProductKernel;
  readonly mulKMKt: ProductKernel;

  constructor(name: string, config: SensorConfig, n: number, counters: FactorizationCounters) {
    const m = config.model.dimZ;
    this.name = name;
    this.model = config.model;
    this.m = m;
    this.gateProbability = config.gate?.probability;
    this.gateThreshold =
      config.gate === undefined ? Number.POSITIVE_INFINITY : chiSquareQuantile(config.gate.probability, m);
    this.R = new Float64Array(m * m);
    config.model.R(this.R);
    this.structureR = new Uint8Array(m * m);
    readStructure(this.R, this.structureR);
    this.structureH = new Uint8Array(m * n).fill(255);
    this.LR = new Float64Array(m * m);
    this.z = new Float64Array(m);
    this.zHat = new Float64Array(m);
    this.y = new Float64Array(m);
    this.S = new Float64Array(m * m);
    this.LS = new Float64Array(m * m);
    this.H = new Float64Array(m * n);
    this.C = new Float64Array(n * m);
    this.Kt = new Float64Array(Math.max(m * n, m * m));
    this.K = new Float64Array(n * m);
    this.KM = new Float64Array(n * m);
    this.work = new Float64Array(Math.max(m, n));
    this.factorizer = new SpdFactorizer(m, counters);
    this.mulPHt = productABtKernel(n, n, m);
    this.mulHC = productKernel(m, n, m);
    this.mulKCt = productABtKernel(n, m, n);
    this.mulCSinv = productKernel(n, m, m);
    this.Sinv = new Float64Array(m * m);
    this.mulKM = productKernel(n, m, m);
    this.mulKMKt = productABtKernel(n, m, n);
  }
}
