import type { FilterHealth } from "./filter-health.ts";
import type { QuarantineInfo } from "./step-status.ts";

/**
 * The complete mutable state of a filter (everything but its models and configuration), as plain copies.
 *
 * Restoring a snapshot makes the filter continue bit-identically: used by the lag window's checkpoints,
 * by `clone()` and by binary serialization.
 */
export interface FilterSnapshot {
  readonly t: number;
  readonly x: Float64Array;
  readonly P: Float64Array;
  readonly lastInput: Float64Array;
  readonly logLikelihood: number;
  readonly health: Readonly<FilterHealth>;
  readonly quarantine: QuarantineInfo | undefined;
  /** Particle filter only. */
  readonly particles?: ParticleSnapshot;
}

/** The particle filter's part of a {@link FilterSnapshot}. */
export interface ParticleSnapshot {
  /** N×n row-major. */
  readonly cloud: Float64Array;
  readonly weights: Float64Array;
  readonly rng: { readonly words: Uint32Array; readonly hasSpare: boolean; readonly spare: number };
}
