import { DeadLetterReason } from "@twinstate/proto";

/**
 * The stable reason codes of a rejected reading, as strings (metrics labels, Kafka headers, logs).
 *
 * Why strings beside the proto enum: labels and headers must read the same in every language. `INTERNAL` is a
 * reading whose validation threw unexpectedly (a bug); records written before the proto declared
 * `DEAD_LETTER_REASON_INTERNAL` carry `DEAD_LETTER_REASON_UNSPECIFIED` instead, read back as `INTERNAL`.
 */
export const REASON_CODES = [
  "MALFORMED_PROTOBUF",
  "MISSING_FIELD",
  "UNKNOWN_SENSOR",
  "CONTRACT_MISSING",
  "UNIT_UNKNOWN",
  "UNIT_MISMATCH",
  "OUT_OF_RANGE",
  "NON_FINITE",
  "TIMESTAMP_SKEW",
  "DUPLICATE",
  "RATE_LIMITED",
  "TOO_LARGE",
  "SHAPE_MISMATCH",
  "TENANT_FORBIDDEN",
  "INTERNAL",
] as const;

/** One stable rejection reason. */
export type ReasonCode = (typeof REASON_CODES)[number];

const byName = DeadLetterReason as unknown as Record<string, DeadLetterReason | undefined>;

/** The proto enum value written into DeadLetterRecord.reason for each reason code. */
export const PROTO_REASON: Readonly<Record<ReasonCode, DeadLetterReason>> = Object.fromEntries(
  REASON_CODES.map((code) => [code, byName[code] ?? DeadLetterReason.UNSPECIFIED]),
) as Record<ReasonCode, DeadLetterReason>;

/** The reason code of a proto enum value (`INTERNAL` for UNSPECIFIED, which older writers used for it). */
export function reasonCodeOf(reason: DeadLetterReason): ReasonCode {
  for (const code of REASON_CODES) if (PROTO_REASON[code] === reason) return code;
  return "INTERNAL";
}
