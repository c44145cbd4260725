import type { FactorizationCounters } from "../linalg/spd-factorizer.ts";
import { SpdFactorizer } from "../linalg/spd-factorizer.ts";
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
  /** Cᵀ, then overwritten by Kᵀ = S⁻¹·Cᵀ (m×n). */
  readonly Kt: Float64Array;
  readonly K: Float64Array;
  /** K·R or K·S (n×m). */
  readonly KM: Float64Array;
  readonly work: Float64Array;
  /** Robust factoriser of S (dimension m), counting repairs into the filter's health. */
  readonly factorizer: SpdFactorizer;
  hCached = false;

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
    this.LR = new Float64Array(m * m);
    this.z = new Float64Array(m);
    this.zHat = new Float64Array(m);
    this.y = new Float64Array(m);
    this.S = new Float64Array(m * m);
    this.LS = new Float64Array(m * m);
    this.H = new Float64Array(m * n);
    this.C = new Float64Array(n * m);
    this.Kt = new Float64Array(m * n);
    this.K = new Float64Array(n * m);
    this.KM = new Float64Array(n * m);
    this.work = new Float64Array(Math.max(m, n));
    this.factorizer = new SpdFactorizer(m, counters);
  }
}
