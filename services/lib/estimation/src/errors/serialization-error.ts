import { EstimationError } from "./estimation-error.ts";

/** Thrown when serialized filter bytes are truncated, corrupt, or of an unknown format version. */
export class SerializationFormatError extends EstimationError {
  readonly code = "SERIALIZATION_FORMAT";
}

/**
 * Thrown when serialized filter state is restored against models whose names or dimensions differ from
 * those recorded in the bytes (models are not serialized: they come from the twin definition).
 */
export class SerializedModelMismatchError extends EstimationError {
  readonly code = "SERIALIZED_MODEL_MISMATCH";
}
