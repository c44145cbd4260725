import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Quality, SensorReadingSchema } from "@twinstate/proto";

/** A reading ready to encode: who, which sensor, the value as sent (possibly bad), its unit and event time. */
export interface ReadingFields {
  readonly tenant: string;
  readonly asset: string;
  readonly sensor: string;
  readonly value: number | readonly number[];
  readonly unit: string;
  readonly eventTimeMs: number;
}

/**
 * Serializes a `twinstate.telemetry.v1.SensorReading` as a sensor pipeline would publish it to
 * telemetry.raw.v1: scalar or vector value, UCUM unit, event time, quality GOOD, a gateway attribute.
 * The idempotency key is left empty, so ingest deduplicates by `sensor@event_time` (a re-sent reading is a
 * DUPLICATE).
 */
export function encodeReading(fields: ReadingFields): Uint8Array {
  const value =
    typeof fields.value === "number"
      ? { case: "scalar" as const, value: fields.value }
      : { case: "vector" as const, value: { components: [...fields.value] } };
  return toBinary(
    SensorReadingSchema,
    create(SensorReadingSchema, {
      tenant: fields.tenant,
      asset: fields.asset,
      sensor: fields.sensor,
      eventTime: timestampFromMs(fields.eventTimeMs),
      value,
      unit: fields.unit,
      quality: Quality.GOOD,
      attributes: { gateway: "twinstate-demo" },
    }),
  );
}
