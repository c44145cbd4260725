export { DedupWindow } from "./dedup-window.ts";
export { ReadingValidator, type ReadingValidatorOptions } from "./reading-validator.ts";
export { PROTO_REASON, REASON_CODES, type ReasonCode, reasonCodeOf } from "./reason-code.ts";
export { StateJournal } from "./state-journal.ts";
export { TokenBucketLimiter } from "./token-bucket-limiter.ts";
export type { AcceptedOutcome, RejectedOutcome, ValidationOutcome } from "./validation-outcome.ts";
export { type SensorTypeState, ValidationState } from "./validation-state.ts";
