import { AXES } from "./axis-names.ts";
import { DirectMeasurement } from "./direct-measurement.ts";
import { ModelParameterError } from "./model-parameter-error.ts";

/** Options of {@link PositionSelector}. */
export interface PositionSelectorOptions {
  /** The kinematic transition model (its state names x, y, z mark the positions). */
  readonly model: { readonly stateNames: readonly string[] };
  /** Position noise standard deviation per axis (or one for all), in the position unit. */
  readonly noiseStd: number | readonly number[];
}

/**
 * Position sensor for the kinematic models ({@link ConstantVelocity}, {@link ConstantAcceleration}): reads
 * the state variables named x, y, z that the model has, e.g. H = [[1,0,0,0],[0,0,1,0]] for 2-D constant
 * velocity [x, vx, y, vy].
 */
export class PositionSelector extends DirectMeasurement {
  constructor(options: PositionSelectorOptions) {
    const measured = options.model.stateNames.filter((n) => (AXES as readonly string[]).includes(n));
    if (measured.length === 0) {
      throw new ModelParameterError("position", "model", "invalid", "has no state named x, y or z");
    }
    super({ name: "position", stateNames: options.model.stateNames, measured, noiseStd: options.noiseStd });
  }
}
