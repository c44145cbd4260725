import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { DeadLetterRecord, SensorReading, SourcePosition, ValidatedReading } from "@twinstate/proto";
import { ProtoWriter } from "./proto-writer.ts";

/**
 * Hand-written binary encoders of ValidatedReading and DeadLetterRecord (and the messages inside them), the two
 * messages ingest produces per input. Same bytes as protobuf-es `toBinary` (proto3 implicit presence: default
 * scalars are omitted, oneof members and set sub-messages are written), unknown fields are not carried.
 *
 * Why: see {@link ProtoWriter}; encoding was the largest cost of the validation hot path.
 */
const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;

function str(w: ProtoWriter, field: number, value: string): void {
  if (value !== "") w.tag(field, WIRE_LEN).string(value);
}

function timestamp(w: ProtoWriter, field: number, ts: Timestamp | undefined): void {
  if (ts === undefined) return;
  w.tag(field, WIRE_LEN).fork();
  if (ts.seconds !== 0n) w.tag(1, WIRE_VARINT).int64(ts.seconds);
  if (ts.nanos !== 0) w.tag(2, WIRE_VARINT).int32(ts.nanos);
  w.join();
}

function sourcePosition(w: ProtoWriter, field: number, source: SourcePosition | undefined): void {
  if (source === undefined) return;
  w.tag(field, WIRE_LEN).fork();
  const o = source.origin;
  if (o.case === "kafka") {
    w.tag(1, WIRE_LEN).fork();
    str(w, 1, o.value.topic);
    if (o.value.partition !== 0) w.tag(2, WIRE_VARINT).int32(o.value.partition);
    if (o.value.offset !== 0n) w.tag(3, WIRE_VARINT).int64(o.value.offset);
    w.join();
  } else if (o.case === "grpc") {
    w.tag(2, WIRE_LEN).fork();
    str(w, 1, o.value.peer);
    str(w, 2, o.value.principal);
    if (o.value.index !== 0) w.tag(3, WIRE_VARINT).uint32(o.value.index);
    str(w, 4, o.value.callId);
    w.join();
  }
  w.join();
}

function sensorReading(w: ProtoWriter, field: number, r: SensorReading | undefined): void {
  if (r === undefined) return;
  w.tag(field, WIRE_LEN).fork();
  str(w, 1, r.tenant);
  str(w, 2, r.asset);
  str(w, 3, r.sensor);
  timestamp(w, 4, r.eventTime);
  const v = r.value;
  if (v.case === "scalar") {
    w.tag(5, WIRE_I64).double(v.value);
  } else if (v.case === "vector") {
    w.tag(6, WIRE_LEN).fork();
    const c = v.value.components;
    if (c.length > 0) {
      w.tag(1, WIRE_LEN).uint32(c.length * 8);
      for (let i = 0; i < c.length; i++) w.double(c[i]!);
    }
    w.join();
  }
  str(w, 7, r.unit);
  if (r.quality !== 0) w.tag(8, WIRE_VARINT).int32(r.quality);
  str(w, 9, r.idempotencyKey);
  for (const key in r.attributes) {
    w.tag(10, WIRE_LEN).fork();
    w.tag(1, WIRE_LEN).string(key);
    w.tag(2, WIRE_LEN).string(r.attributes[key]!);
    w.join();
  }
  w.join();
}

const shared = new ProtoWriter(1024);

/** Binary encoding of a ValidatedReading. */
export function encodeValidatedReading(m: ValidatedReading, w: ProtoWriter = shared): Uint8Array {
  w.reset();
  sensorReading(w, 1, m.reading);
  str(w, 2, m.canonicalUnit);
  str(w, 3, m.originalUnit);
  timestamp(w, 4, m.ingestionTime);
  str(w, 5, m.contractId);
  if (m.contractVersion !== 0) w.tag(6, WIRE_VARINT).uint32(m.contractVersion);
  sourcePosition(w, 7, m.source);
  return w.finish();
}

/** Binary encoding of a DeadLetterRecord. */
export function encodeDeadLetterRecord(m: DeadLetterRecord, w: ProtoWriter = shared): Uint8Array {
  w.reset();
  if (m.original.length > 0) w.tag(1, WIRE_LEN).bytes(m.original);
  if (m.reason !== 0) w.tag(2, WIRE_VARINT).int32(m.reason);
  str(w, 3, m.reasonDetail);
  sourcePosition(w, 4, m.source);
  timestamp(w, 5, m.rejectedAt);
  str(w, 6, m.contractId);
  if (m.contractVersion !== 0) w.tag(7, WIRE_VARINT).uint32(m.contractVersion);
  str(w, 8, m.tenant);
  str(w, 9, m.asset);
  str(w, 10, m.sensor);
  return w.finish();
}
