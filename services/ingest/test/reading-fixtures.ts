/**
 * Builders for SensorReading bytes and the example contracts, shared by the ingest service's tests.
 *
 * Why: every test states only what differs from a valid reading, so the reason a case is rejected is visible
 * in the test itself.
 */
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { SensorReadingSchema, type SourcePosition, SourcePositionSchema } from "@twinstate/proto";
import { ContractRegistry, parseContracts } from "../src/contracts/index.ts";
import { UnitRegistry } from "../src/units/index.ts";
import { ReadingValidator, ValidationState } from "../src/validation/index.ts";

/** The ingestion clock used by the unit tests. */
export const NOW_MS = Date.UTC(2026, 10, 27, 12, 0, 0);

/** A test contract with one sensor type per interesting shape. */
export const TEST_CONTRACT_YAML = `
apiVersion: twinstate/v1
kind: DataContract
id: acme/test
version: 3
tenant: acme
defaults:
  rate: { perSecond: 10, burst: 5 }
  skew: { futureMs: 5000, pastMs: 60000 }
  dedup: { windowMs: 60000, maxKeys: 1000 }
  maxPayloadBytes: 512
  maxAttributes: 4
sensorTypes:
  - type: temperature
    sensors: [outlet_temp]
    unit: K
    acceptedUnits: [K, Cel, "[degF]"]
    range: { min: 233.15, max: 473.15 }
  - type: pressure
    sensors: [inlet_pressure]
    unit: Pa
    range: { min: 0, max: 2500000 }
  - type: vibration
    sensors: [bearing_accel]
    unit: m/s2
    vectorLength: 3
    range: { min: -500, max: 500 }
    requiredFields: [idempotency_key]
    requiredAttributes: [gateway]
`;

/** Init shape of a SensorReading. */
export type ReadingInit = MessageInitShape<typeof SensorReadingSchema>;

/** Overrides of a test reading; `undefined` removes the field. */
export type ReadingOverrides = { [K in keyof ReadingInit]?: ReadingInit[K] | undefined };

/** A valid outlet_temp reading of tenant acme in °C, event time = NOW_MS, plus overrides. */
export function reading(overrides: ReadingOverrides = {}): ReadingInit {
  const merged: Record<string, unknown> = {
    tenant: "acme",
    asset: "pump-1",
    sensor: "outlet_temp",
    eventTime: timestampFromMs(NOW_MS),
    value: { case: "scalar", value: 20 },
    unit: "Cel",
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  return merged as ReadingInit;
}

/** Serializes a reading. */
export function encode(init: ReadingInit): Uint8Array {
  return toBinary(SensorReadingSchema, create(SensorReadingSchema, init));
}

/** A Kafka source position. */
export function kafkaSource(offset: number, partition = 0, topic = "telemetry.raw.v1"): SourcePosition {
  return create(SourcePositionSchema, {
    origin: { case: "kafka", value: { topic, partition, offset: BigInt(offset) } },
  });
}

/** A validator over the test contract, with fresh state. */
export function testValidator(extraContracts: string[] = [], maxMessageBytes = 65536) {
  const units = new UnitRegistry();
  const contracts = new ContractRegistry(
    [TEST_CONTRACT_YAML, ...extraContracts].flatMap((text, i) => parseContracts(text, "yaml", `test-${i}.yaml`, units)),
  );
  const state = new ValidationState();
  return { units, contracts, state, validator: new ReadingValidator({ contracts, units, state, maxMessageBytes }) };
}
