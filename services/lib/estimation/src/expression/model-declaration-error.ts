import { EstimationError } from "../errors/estimation-error.ts";

/**
 * A model declaration is structurally wrong: a duplicate or reserved name, a state without dynamics,
 * dynamics for an undeclared state, a bad discretization, a measurement list that is empty.
 *
 * `path` names the offending field (e.g. "dynamics.omega", "state[1].name") so a twin-definition author
 * can fix it without reading code. Expression text problems are {@link ExpressionError}s instead, and bad
 * numeric values are ModelParameterErrors.
 */
export class ModelDeclarationError extends EstimationError {
  readonly code = "MODEL_DECLARATION";
  readonly path: string;

  constructor(path: string, detail: string) {
    super(`${path}: ${detail}`, { path });
    this.path = path;
  }
}
