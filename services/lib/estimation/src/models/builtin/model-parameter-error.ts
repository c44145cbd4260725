import { EstimationError } from "../../errors/estimation-error.ts";

/** Why a model parameter was rejected. */
export type ModelParameterProblem = "unknown" | "not_finite" | "not_positive" | "negative" | "invalid";

/**
 * A model parameter is unknown or has a value the physics forbids (e.g. a non-positive resistance).
 *
 * Thrown by model constructors and by `withParameters` so a bad twin definition or what-if override fails
 * fast, naming the model and the parameter instead of producing NaN estimates later.
 */
export class ModelParameterError extends EstimationError {
  readonly code = "MODEL_PARAMETER";
  /** The model that rejected the parameter, e.g. "first_order_thermal". */
  readonly model: string;
  /** The parameter's name as the model exposes it in `parameters`. */
  readonly parameter: string;
  readonly problem: ModelParameterProblem;

  constructor(model: string, parameter: string, problem: ModelParameterProblem, detail: string) {
    super(`${model}: parameter '${parameter}' ${detail}`, { model, parameter, problem });
    this.model = model;
    this.parameter = parameter;
    this.problem = problem;
  }
}
