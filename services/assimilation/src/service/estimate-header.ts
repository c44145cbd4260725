import { create } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { EstimateStatus, StateEstimateSchema } from "@twinstate/proto";

/** The fields of an encoded StateEstimate that the estimates view indexes and lists (a TwinSummary's worth). */
export interface EstimateHeader {
  readonly tenant: string;
  readonly asset: string;
  readonly twinClassId: string;
  readonly twinClassVersion: number;
  readonly eventTime: Timestamp | undefined;
  readonly status: EstimateStatus;
  readonly sequence: bigint;
}

const field = (name: string): number => {
  const f = StateEstimateSchema.fields.find((x) => x.localName === name);
  if (f === undefined) throw new Error(`StateEstimate has no field ${name}`);
  return f.number;
};
const TENANT = field("tenant");
const ASSET = field("asset");
const CLASS_ID = field("twinClassId");
const CLASS_VERSION = field("twinClassVersion");
const EVENT_TIME = field("eventTime");
const STATUS = field("status");
const SEQUENCE = field("sequence");

/**
 * Reads only the header fields of an encoded StateEstimate, skipping the rest (covariance, intervals, innovation).
 *
 * Why: every worker's estimates view sees every estimate of the cluster, and fully decoding each one (then keeping
 * the object per asset) cost more CPU and old-generation garbage than filtering the worker's own readings. The
 * view keeps the bytes and decodes an estimate only when a query asks for it. Throws on malformed bytes like
 * `fromBinary` (the same wire reader).
 */
export function peekEstimateHeader(bytes: Uint8Array): EstimateHeader {
  const reader = new BinaryReader(bytes);
  let tenant = "";
  let asset = "";
  let twinClassId = "";
  let twinClassVersion = 0;
  let eventTime: Timestamp | undefined;
  let status = EstimateStatus.UNSPECIFIED;
  let sequence = 0n;
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (no === TENANT && wireType === WireType.LengthDelimited) tenant = reader.string();
    else if (no === ASSET && wireType === WireType.LengthDelimited) asset = reader.string();
    else if (no === CLASS_ID && wireType === WireType.LengthDelimited) twinClassId = reader.string();
    else if (no === CLASS_VERSION && wireType === WireType.Varint) twinClassVersion = reader.uint32();
    else if (no === STATUS && wireType === WireType.Varint) status = reader.int32();
    else if (no === SEQUENCE && wireType === WireType.Varint) sequence = BigInt(reader.uint64());
    else if (no === EVENT_TIME && wireType === WireType.LengthDelimited) eventTime = timestamp(reader.bytes());
    else reader.skip(wireType, no);
  }
  return { tenant, asset, twinClassId, twinClassVersion, eventTime, status, sequence };
}

function timestamp(bytes: Uint8Array): Timestamp {
  const reader = new BinaryReader(bytes);
  let seconds = 0n;
  let nanos = 0;
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (no === 1 && wireType === WireType.Varint) seconds = BigInt(reader.int64());
    else if (no === 2 && wireType === WireType.Varint) nanos = reader.int32();
    else reader.skip(wireType, no);
  }
  return create(TimestampSchema, { seconds, nanos });
}
