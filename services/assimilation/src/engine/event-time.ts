import { create } from "@bufbuild/protobuf";
import { type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";

/**
 * Seconds since the Unix epoch of a protobuf Timestamp: seconds + nanos·10⁻⁹, as one double.
 *
 * Why one function: the filters' clock is this number, and the service, the replay CLI and restored twins
 * must compute it identically or estimates would differ in the last bit.
 */
export function timestampToSeconds(ts: Timestamp): number {
  return Number(ts.seconds) + ts.nanos / 1e9;
}

/** The Timestamp of a time in seconds since the epoch (nanoseconds rounded to nearest). */
export function secondsToTimestamp(seconds: number): Timestamp {
  let whole = Math.floor(seconds);
  let nanos = Math.round((seconds - whole) * 1e9);
  if (nanos >= 1e9) {
    whole += 1;
    nanos -= 1e9;
  }
  return create(TimestampSchema, { seconds: BigInt(whole), nanos });
}
