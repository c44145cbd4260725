import { DetectorSuite } from "@twinstate/drift-detectors";
import { DriftStateFormatError } from "./drift-state-format-error.ts";

/**
 * The detector suite of one (twin, sensor) with the bookkeeping the service needs around it.
 *
 * `samples` is the sensor's sample index (the detectors' clock: onsets and delays are counted in it),
 * `lastSequence` the last estimate fed, so a re-delivered estimate is recognised; `fingerprint` the canonical
 * text of the configuration the suite was built with, so a new class version with the same drift block
 * keeps the accumulated evidence and one with a different block starts afresh.
 */
export interface SuiteRecord {
  readonly tenant: string;
  readonly asset: string;
  readonly sensor: string;
  twinClassId: string;
  twinClassVersion: number;
  fingerprint: string;
  suite: DetectorSuite;
  /** Samples fed so far (the next sample's index). */
  samples: number;
  /** StateEstimate.sequence of the last estimate fed (0n: none). */
  lastSequence: bigint;
  /** Event time (ms) of the last estimate fed; NaN when it had none. */
  lastEventTimeMs: number;
  /** Input partition of twin.estimates.v1 the record belongs to (= its drift.state.v1 partition). */
  partition: number;
}

const MAGIC = 0x54574453; // "TWDS"
const FORMAT_VERSION = 1;

/** Changelog key of a suite: `tenant/asset/sensor`. */
export function suiteKey(tenant: string, asset: string, sensor: string): string {
  return `${tenant}/${asset}/${sensor}`;
}

/**
 * Serializes a suite record for the compacted `drift.state.v1` changelog:
 *
 *   u32 magic "TWDS" · u8 format · str tenant · str asset · str sensor · str twinClassId · str fingerprint ·
 *   u32 twinClassVersion · f64 samples · u64 lastSequence · f64 lastEventTimeMs · u32 n · n bytes of
 *   `DetectorSuite.toBytes()`   (str = u32 length + UTF-8; numbers big-endian, float64 bits verbatim)
 *
 * Why its own envelope rather than the DetectorState message: the suite holds seven detector kinds (ADWIN's
 * bucket rows, rings of the windowed tests) that the proto's oneof does not describe, and restoring must be
 * bit-exact; the library's blob is exact, this envelope only adds the service's bookkeeping.
 */
export function encodeSuiteRecord(record: SuiteRecord): Buffer {
  const strings = [record.tenant, record.asset, record.sensor, record.twinClassId, record.fingerprint].map((s) =>
    Buffer.from(s, "utf8"),
  );
  const suite = record.suite.toBytes();
  const size = 5 + strings.reduce((n, s) => n + 4 + s.length, 0) + 4 + 8 + 8 + 8 + 4 + suite.length;
  const out = Buffer.alloc(size);
  let o = out.writeUInt32BE(MAGIC, 0);
  o = out.writeUInt8(FORMAT_VERSION, o);
  for (const s of strings) {
    o = out.writeUInt32BE(s.length, o);
    o += s.copy(out, o);
  }
  o = out.writeUInt32BE(record.twinClassVersion, o);
  o = out.writeDoubleBE(record.samples, o);
  o = out.writeBigUInt64BE(record.lastSequence, o);
  o = out.writeDoubleBE(record.lastEventTimeMs, o);
  o = out.writeUInt32BE(suite.length, o);
  Buffer.from(suite.buffer, suite.byteOffset, suite.length).copy(out, o);
  return out;
}

/** Restores a record written by {@link encodeSuiteRecord}. @throws DriftStateFormatError */
export function decodeSuiteRecord(bytes: Uint8Array, partition: number): SuiteRecord {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let o = 0;
  const need = (n: number) => {
    if (o + n > b.length) throw new DriftStateFormatError("record is truncated", { at: o, need: n, size: b.length });
  };
  need(5);
  if (b.readUInt32BE(0) !== MAGIC) throw new DriftStateFormatError("not a drift suite record (bad magic)");
  const format = b.readUInt8(4);
  if (format !== FORMAT_VERSION) throw new DriftStateFormatError(`unknown record format ${format}`, { format });
  o = 5;
  const str = (): string => {
    need(4);
    const n = b.readUInt32BE(o);
    o += 4;
    need(n);
    const s = b.toString("utf8", o, o + n);
    o += n;
    return s;
  };
  const [tenant, asset, sensor, twinClassId, fingerprint] = [str(), str(), str(), str(), str()];
  need(32);
  const twinClassVersion = b.readUInt32BE(o);
  const samples = b.readDoubleBE(o + 4);
  const lastSequence = b.readBigUInt64BE(o + 12);
  const lastEventTimeMs = b.readDoubleBE(o + 20);
  const n = b.readUInt32BE(o + 28);
  o += 32;
  need(n);
  if (o + n !== b.length) throw new DriftStateFormatError("trailing bytes after the suite", { size: b.length });
  const suite = DetectorSuite.fromBytes(new Uint8Array(b.buffer, b.byteOffset + o, n).slice());
  return {
    tenant,
    asset,
    sensor,
    twinClassId,
    twinClassVersion,
    fingerprint,
    suite,
    samples,
    lastSequence,
    lastEventTimeMs,
    partition,
  };
}
