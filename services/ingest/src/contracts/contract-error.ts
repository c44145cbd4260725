import { TwinstateError } from "@twinstate/runtime";

/**
 * Thrown when a data contract document is invalid: it names the FILE (or the topic record) the contract came
 * from and the FIELD path inside the document (`sensorTypes[1].range.min`), with why.
 *
 * Code `INVALID_ARGUMENT` (retrying the same document fails again). A contract error at start-up is fatal; one
 * from the contracts topic is logged and counted, and the previous version stays in force.
 */
export class ContractError extends TwinstateError {
  declare readonly code: "INVALID_ARGUMENT";
  /** Where the document came from: a file path, or `topic ingest.contracts.v1 key …`. */
  readonly source: string;
  /** Field path inside the document (`""` for the document as a whole). */
  readonly field: string;

  constructor(source: string, field: string, reason: string, options: { readonly cause?: unknown } = {}) {
    super("INVALID_ARGUMENT", `${source}: ${field === "" ? "(document)" : field}: ${reason}`, {
      ...options,
      details: { source, field, reason },
    });
    this.source = source;
    this.field = field;
  }
}
