import { LinearMeasurement } from "./linear-measurement.ts";
import { ModelParameterError } from "./model-parameter-error.ts";

/** Options of {@link DirectMeasurement}. */
export interface DirectMeasurementOptions {
  /** The transition model's state names (in state order). */
  readonly stateNames: readonly string[];
  /** The state variables this sensor reads directly, in measurement order. */
  readonly measured: readonly string[];
  /** Noise standard deviation per measured variable (or one for all). */
  readonly noiseStd: number | readonly number[];
  /** Measured variables that are angles (residuals wrap to [−π, π)). */
  readonly angular?: readonly string[];
  /** Sensor physics name (default "direct"). */
  readonly name?: string;
}

/**
 * A sensor that reads one or more named state variables directly: z = H·x + v with H a selection matrix
 * (one 1 per row, at the measured variable's column). Measurement names are the state names.
 */
export class DirectMeasurement extends LinearMeasurement {
  constructor(options: DirectMeasurementOptions) {
    const name = options.name ?? "direct";
    if (options.measured.length === 0) {
      throw new ModelParameterError(name, "measured", "invalid", "needs at least one state variable");
    }
    const H = options.measured.map((m) => {
      const j = options.stateNames.indexOf(m);
      if (j < 0) {
        throw new ModelParameterError(
          name,
          "measured",
          "invalid",
          `names unknown state '${m}' (state: ${options.stateNames.join(", ")})`,
        );
      }
      return options.stateNames.map((_, k) => (k === j ? 1 : 0));
    });
    super({
      name,
      H,
      measurementNames: options.measured,
      noiseStd: options.noiseStd,
      ...(options.angular ? { angular: options.angular } : {}),
    });
  }
}
