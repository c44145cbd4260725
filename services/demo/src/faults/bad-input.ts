import type { ClassProfile } from "../simulation/class-profile.ts";
import type { SimulatedReading } from "../simulation/simulated-reading.ts";

/**
 * The kinds of bad input the demo sends, each meant to end in ingest's dead-letter topic with its own reason:
 * `wrong_unit` → UNIT_MISMATCH, `unknown_unit` → UNIT_UNKNOWN, `nan` → NON_FINITE, `out_of_range` →
 * OUT_OF_RANGE, `duplicate` (the good reading sent twice) → DUPLICATE, `malformed` (bytes that are not a
 * SensorReading) → MALFORMED_PROTOBUF.
 */
export const BadInputKinds = ["wrong_unit", "unknown_unit", "nan", "out_of_range", "duplicate", "malformed"] as const;

/** One of {@link BadInputKinds}. */
export type BadInputKind = (typeof BadInputKinds)[number];

/** Bytes that do not decode as a SensorReading (an invalid wire type in the first tag). */
export const MALFORMED_PAYLOAD: Uint8Array = Uint8Array.from([0x0f, 0xff, 0xff, 0xff, 0xff, 0x01]);

/**
 * The reading as the broken pipeline sends it, for the kinds that alter a reading (`duplicate` and
 * `malformed` do not: the fleet sends the good reading twice, or garbage bytes).
 */
export function corruptReading(
  kind: Exclude<BadInputKind, "duplicate" | "malformed">,
  reading: SimulatedReading,
  profile: ClassProfile,
): SimulatedReading {
  const mapValue = (f: (v: number) => number): number | number[] =>
    typeof reading.value === "number" ? f(reading.value) : reading.value.map(f);
  switch (kind) {
    case "wrong_unit":
      return { ...reading, unit: profile.wrongUnit };
    case "unknown_unit":
      return { ...reading, unit: "degrees" };
    case "nan":
      return { ...reading, value: mapValue(() => Number.NaN) };
    case "out_of_range":
      return { ...reading, value: mapValue(() => profile.outOfRange) };
  }
}
