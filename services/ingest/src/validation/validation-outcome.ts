import type { DeadLetterRecord, ValidatedReading } from "@twinstate/proto";
import type { CompiledSensorType } from "../contracts/index.ts";
import type { ReasonCode } from "./reason-code.ts";

/** A reading that passed its contract: publish `reading` to telemetry.valid.v1 under `key`. */
export interface AcceptedOutcome {
  readonly accepted: true;
  /** Kafka key `tenant/asset`. */
  readonly key: string;
  readonly reading: ValidatedReading;
  readonly type: CompiledSensorType;
}

/** A rejected reading: publish `record` to telemetry.dlq.v1 under `key`. */
export interface RejectedOutcome {
  readonly accepted: false;
  /** Kafka key `tenant/asset` when the reading decoded far enough, else `""`. */
  readonly key: string;
  readonly reason: ReasonCode;
  readonly record: DeadLetterRecord;
  /** The contract type that rejected it, when one applied. */
  readonly type: CompiledSensorType | undefined;
}

/** Exactly one of these per input: the conservation invariant in types. */
export type ValidationOutcome = AcceptedOutcome | RejectedOutcome;
