import { create, fromBinary } from "@bufbuild/protobuf";
import { type Timestamp, timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  DeadLetterRecordSchema,
  Quality,
  type SensorReading,
  SensorReadingSchema,
  type SourcePosition,
  ValidatedReadingSchema,
} from "@twinstate/proto";
import { type CompiledSensorType, type ContractRegistry, conversionFor } from "../contracts/index.ts";
import { convertValue, type UnitRegistry } from "../units/index.ts";
import { PROTO_REASON, type ReasonCode } from "./reason-code.ts";
import type { StateJournal } from "./state-journal.ts";
import type { AcceptedOutcome, RejectedOutcome, ValidationOutcome } from "./validation-outcome.ts";
import type { ValidationState } from "./validation-state.ts";

/** What the validator reads besides the input: contracts, units, state and the hard size limit. */
export interface ReadingValidatorOptions {
  readonly contracts: ContractRegistry;
  readonly units: UnitRegistry;
  readonly state: ValidationState;
  /** Inputs larger than this are rejected TOO_LARGE before decoding (contracts may set smaller limits). */
  readonly maxMessageBytes: number;
}

const ONE_THOUSAND = 1000;
const decodeOptions = { readUnknownFields: false } as const;

/**
 * Judges one raw input — bytes, where they came from, the ingestion clock — against the data contracts, and
 * returns exactly one outcome: a ValidatedReading (value in the canonical unit, ingestion time, contract id and
 * version) or a DeadLetterRecord (original bytes, stable reason code, detail, source).
 *
 * Why it never throws: it is the gate of the conservation invariant (every input ends as exactly one valid
 * reading or one dead letter). Anything unexpected inside is caught and becomes a dead letter with reason
 * `INTERNAL`, counted by the caller. Why the clock is an argument: skew, dedup and rate decisions are then a
 * function of input order, event times and `nowMs` only, so tests and replays are reproducible.
 *
 * Checks, in order: size limit, protobuf decoding, tenant/asset/sensor present, a contract covers the tenant
 * and declares the sensor, the contract's payload and attribute limits, required fields, value shape (scalar or
 * fixed-length vector), finiteness, unit known and convertible, range (in the canonical unit), event-time skew,
 * duplicate idempotency key, rate. A reading's dedup key and rate token are only taken when it is accepted
 * (a rejected reading's retry is judged afresh).
 */
export class ReadingValidator {
  readonly #contracts: ContractRegistry;
  readonly #units: UnitRegistry;
  readonly #state: ValidationState;
  readonly #maxMessageBytes: number;

  constructor(options: ReadingValidatorOptions) {
    this.#contracts = options.contracts;
    this.#units = options.units;
    this.#state = options.state;
    this.#maxMessageBytes = options.maxMessageBytes;
  }

  /**
   * Validates one input. `journal` (optional) records state changes so an aborted transaction can undo them.
   */
  validate(bytes: Uint8Array, source: SourcePosition, nowMs: number, journal?: StateJournal): ValidationOutcome {
    try {
      return this.#validate(bytes, source, nowMs, journal);
    } catch (error) {
      let detail: string;
      try {
        detail = `validation failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`;
      } catch {
        detail = "validation failed unexpectedly";
      }
      return reject(bytes, source, nowMs, "INTERNAL", detail, undefined, undefined);
    }
  }

  #validate(bytes: Uint8Array, source: SourcePosition, nowMs: number, journal?: StateJournal): ValidationOutcome {
    if (bytes.length > this.#maxMessageBytes) {
      return reject(
        bytes,
        source,
        nowMs,
        "TOO_LARGE",
        `payload of ${bytes.length} bytes exceeds the ${this.#maxMessageBytes}-byte limit`,
        undefined,
        undefined,
      );
    }
    let r: SensorReading;
    try {
      r = fromBinary(SensorReadingSchema, bytes, decodeOptions);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return reject(bytes, source, nowMs, "MALFORMED_PROTOBUF", `not a SensorReading: ${why}`, undefined, undefined);
    }
    if (r.tenant === "") return reject(bytes, source, nowMs, "MISSING_FIELD", "field tenant missing", r, undefined);
    if (r.asset === "") return reject(bytes, source, nowMs, "MISSING_FIELD", "field asset missing", r, undefined);
    if (r.asset.includes("/")) {
      return reject(bytes, source, nowMs, "MISSING_FIELD", 'field asset invalid: contains "/"', r, undefined);
    }
    if (r.sensor === "") return reject(bytes, source, nowMs, "MISSING_FIELD", "field sensor missing", r, undefined);

    const found = this.#contracts.lookup(r.tenant, r.sensor);
    if (found.kind === "no-contract") {
      return reject(
        bytes,
        source,
        nowMs,
        "CONTRACT_MISSING",
        `no data contract of tenant "${r.tenant}" (or for every tenant) declares sensor "${r.sensor}"`,
        r,
        undefined,
      );
    }
    if (found.kind === "unknown-sensor") {
      return reject(
        bytes,
        source,
        nowMs,
        "UNKNOWN_SENSOR",
        `tenant "${r.tenant}" has data contracts, but none declares sensor "${r.sensor}"`,
        r,
        undefined,
      );
    }
    const t = found.type;
    if (bytes.length > t.maxPayloadBytes) {
      return reject(
        bytes,
        source,
        nowMs,
        "TOO_LARGE",
        `payload of ${bytes.length} bytes exceeds the contract's ${t.maxPayloadBytes}-byte limit`,
        r,
        t,
      );
    }
    let attributeCount = 0;
    for (const _ in r.attributes) attributeCount++;
    if (attributeCount > t.maxAttributes) {
      return reject(
        bytes,
        source,
        nowMs,
        "TOO_LARGE",
        `${attributeCount} attributes exceed the contract's limit of ${t.maxAttributes}`,
        r,
        t,
      );
    }

    // required fields
    const ts = r.eventTime;
    if (ts === undefined) return reject(bytes, source, nowMs, "MISSING_FIELD", "field event_time missing", r, t);
    const value = r.value;
    if (value.case === undefined) return reject(bytes, source, nowMs, "MISSING_FIELD", "field value missing", r, t);
    if (r.unit === "") return reject(bytes, source, nowMs, "MISSING_FIELD", "field unit missing", r, t);
    if (t.requiredFields.size > 0) {
      if (t.requiredFields.has("idempotency_key") && r.idempotencyKey === "") {
        return reject(bytes, source, nowMs, "MISSING_FIELD", "field idempotency_key missing", r, t);
      }
      if (t.requiredFields.has("quality") && r.quality === Quality.UNSPECIFIED) {
        return reject(bytes, source, nowMs, "MISSING_FIELD", "field quality missing", r, t);
      }
    }
    for (const name of t.requiredAttributes) {
      if (!Object.hasOwn(r.attributes, name)) {
        return reject(bytes, source, nowMs, "MISSING_FIELD", `attribute "${name}" missing`, r, t);
      }
    }
    const eventMs = timestampMs(ts);
    if (!Number.isFinite(eventMs) || ts.nanos < 0 || ts.nanos > 999_999_999) {
      return reject(bytes, source, nowMs, "MISSING_FIELD", "field event_time invalid", r, t);
    }

    // shape and finiteness
    let components: number[] | undefined;
    if (value.case === "scalar") {
      if (t.vectorLength !== 0) {
        return reject(
          bytes,
          source,
          nowMs,
          "SHAPE_MISMATCH",
          `scalar value, contract expects a vector of ${t.vectorLength}`,
          r,
          t,
        );
      }
      if (!Number.isFinite(value.value)) {
        return reject(bytes, source, nowMs, "NON_FINITE", `value ${value.value} is not finite`, r, t);
      }
    } else {
      components = value.value.components;
      if (t.vectorLength !== components.length) {
        const expected = t.vectorLength === 0 ? "a scalar" : `${t.vectorLength} components`;
        return reject(
          bytes,
          source,
          nowMs,
          "SHAPE_MISMATCH",
          `vector of ${components.length} components, contract expects ${expected}`,
          r,
          t,
        );
      }
      for (let i = 0; i < components.length; i++) {
        if (!Number.isFinite(components[i])) {
          return reject(bytes, source, nowMs, "NON_FINITE", `component ${i} = ${components[i]} is not finite`, r, t);
        }
      }
    }

    // unit
    const unit = this.#units.resolve(r.unit);
    if (unit === undefined) return reject(bytes, source, nowMs, "UNIT_UNKNOWN", `unknown unit "${r.unit}"`, r, t);
    const conversion = conversionFor(t, unit);
    if (conversion === undefined) {
      return reject(
        bytes,
        source,
        nowMs,
        "UNIT_MISMATCH",
        `unit "${r.unit}" (${unit.dimension}) is not accepted for ${t.type} in "${t.canonicalSymbol}"`,
        r,
        t,
      );
    }

    // convert and range-check
    if (components === undefined) {
      const v = convertValue(conversion, (value as { value: number }).value);
      const bad = checkValue(v, t, -1);
      if (bad !== undefined) return reject(bytes, source, nowMs, bad[0], bad[1], r, t);
      r.value = { case: "scalar", value: v };
    } else {
      const converted = new Array<number>(components.length);
      for (let i = 0; i < components.length; i++) {
        const v = convertValue(conversion, components[i]!);
        const bad = checkValue(v, t, i);
        if (bad !== undefined) return reject(bytes, source, nowMs, bad[0], bad[1], r, t);
        converted[i] = v;
      }
      for (let i = 0; i < components.length; i++) components[i] = converted[i]!;
    }

    // event-time skew against the ingestion clock
    if (eventMs > nowMs + t.skew.futureMs) {
      return reject(
        bytes,
        source,
        nowMs,
        "TIMESTAMP_SKEW",
        `event_time ${eventMs - nowMs} ms in the future, limit ${t.skew.futureMs} ms`,
        r,
        t,
      );
    }
    if (eventMs < nowMs - t.skew.pastMs) {
      return reject(
        bytes,
        source,
        nowMs,
        "TIMESTAMP_SKEW",
        `event_time ${nowMs - eventMs} ms in the past, limit ${t.skew.pastMs} ms`,
        r,
        t,
      );
    }

    // duplicates, then rate
    const state = this.#state.for(t);
    const sensorKey = `${r.tenant}/${r.asset}/${r.sensor}`;
    const dedupKey =
      r.idempotencyKey === "" ? `${sensorKey}@${ts.seconds}.${ts.nanos}` : `${sensorKey}#${r.idempotencyKey}`;
    if (state.dedup.has(dedupKey, nowMs)) {
      const what = r.idempotencyKey === "" ? "same sensor and event_time" : `idempotency key "${r.idempotencyKey}"`;
      return reject(bytes, source, nowMs, "DUPLICATE", `${what} already accepted within ${t.dedup.windowMs} ms`, r, t);
    }
    if (t.rate !== undefined && !state.limiter.tryTake(sensorKey, eventMs, t.rate.perSecond, t.rate.burst, journal)) {
      return reject(
        bytes,
        source,
        nowMs,
        "RATE_LIMITED",
        `sensor exceeds ${t.rate.perSecond} readings/s (burst ${t.rate.burst})`,
        r,
        t,
      );
    }
    state.dedup.add(dedupKey, nowMs, journal);

    const originalUnit = r.unit;
    r.unit = t.canonicalSymbol;
    const accepted: AcceptedOutcome = {
      accepted: true,
      key: `${r.tenant}/${r.asset}`,
      type: t,
      reading: create(ValidatedReadingSchema, {
        reading: r,
        canonicalUnit: t.canonicalSymbol,
        originalUnit,
        ingestionTime: timestampFromMs(nowMs),
        contractId: t.contractId,
        contractVersion: t.contractVersion,
        source,
      }),
    };
    return accepted;
  }
}

/** Milliseconds since the epoch of a protobuf Timestamp (NaN-free for any int64 seconds). */
function timestampMs(ts: Timestamp): number {
  return Number(ts.seconds) * ONE_THOUSAND + ts.nanos / 1e6;
}

function checkValue(v: number, t: CompiledSensorType, index: number): [ReasonCode, string] | undefined {
  const what = index < 0 ? "value" : `component ${index}`;
  if (!Number.isFinite(v)) return ["NON_FINITE", `${what} is not finite after conversion to ${t.canonicalSymbol}`];
  if (v < t.min) return ["OUT_OF_RANGE", `${what} ${v} ${t.canonicalSymbol} < min ${t.min} ${t.canonicalSymbol}`];
  if (v > t.max) return ["OUT_OF_RANGE", `${what} ${v} ${t.canonicalSymbol} > max ${t.max} ${t.canonicalSymbol}`];
  return undefined;
}

function reject(
  bytes: Uint8Array,
  source: SourcePosition,
  nowMs: number,
  reason: ReasonCode,
  detail: string,
  r: SensorReading | undefined,
  t: CompiledSensorType | undefined,
): RejectedOutcome {
  const tenant = r?.tenant ?? "";
  const asset = r?.asset ?? "";
  const outcome: RejectedOutcome = {
    accepted: false,
    key: tenant !== "" && asset !== "" && !asset.includes("/") ? `${tenant}/${asset}` : "",
    reason,
    type: t,
    record: create(DeadLetterRecordSchema, {
      original: bytes,
      reason: PROTO_REASON[reason],
      reasonDetail: detail,
      source,
      rejectedAt: timestampFromMs(Number.isFinite(nowMs) ? nowMs : 0),
      contractId: t?.contractId ?? "",
      contractVersion: t?.contractVersion ?? 0,
      tenant,
      asset,
      sensor: r?.sensor ?? "",
    }),
  };
  return outcome;
}
