/**
 * The conservation check shared by the integration tests: every raw record has exactly one output (a valid
 * reading or a dead letter) that names it as its source, and nothing else is output.
 */
import { createHash } from "node:crypto";
import { fromBinary } from "@bufbuild/protobuf";
import { SensorReadingSchema } from "@twinstate/proto";
import type { OutputRead, RawRead } from "./ingest-harness.ts";
import type { MixedInput } from "./mixed-stream.ts";

/** What the check found. */
export interface ConservationReport {
  readonly inputs: number;
  readonly valid: number;
  readonly deadLettered: number;
  /** Outputs naming no raw record, or one already named by another output. */
  readonly orphansOrDuplicates: string[];
  /** Raw records without an output. */
  readonly missing: string[];
  /**
   * Dead letters whose original bytes differ from the raw record (a truncated original must be its prefix and the
   * detail must name its length and SHA-256), or valid readings not derived from it.
   */
  readonly untraceable: string[];
  /** Inputs whose outcome differs from the generator's label (only when labels are checked). */
  readonly unexpected: string[];
  readonly byReason: Record<string, number>;
}

function originalMatches(original: Uint8Array, detail: string, raw: Buffer): boolean {
  const kept = Buffer.from(original);
  if (kept.equals(raw)) return true;
  const sha256 = createHash("sha256").update(raw).digest("hex");
  return (
    kept.length < raw.length &&
    kept.equals(raw.subarray(0, kept.length)) &&
    detail.includes(`of ${raw.length} bytes, sha256 ${sha256}`)
  );
}

/** Matches outputs to raw records by source position (topic, partition, offset). */
export function checkConservation(
  rawTopic: string,
  raw: readonly RawRead[],
  outputs: readonly OutputRead[],
  inputs: readonly MixedInput[] | undefined,
): ConservationReport {
  const rawByPos = new Map<string, RawRead>();
  for (const r of raw) rawByPos.set(`${r.partition}:${r.offset}`, r);
  const seen = new Set<string>();
  const orphansOrDuplicates: string[] = [];
  const untraceable: string[] = [];
  const unexpected: string[] = [];
  const byReason: Record<string, number> = {};
  let valid = 0;
  let deadLettered = 0;
  for (const out of outputs) {
    const source = out.message.source?.origin;
    if (source?.case !== "kafka" || source.value.topic !== rawTopic) {
      orphansOrDuplicates.push(`${out.kind} without a raw source: ${JSON.stringify(source?.case)}`);
      continue;
    }
    const pos = `${source.value.partition}:${source.value.offset}`;
    const r = rawByPos.get(pos);
    if (r === undefined || seen.has(pos)) {
      orphansOrDuplicates.push(`${out.kind} for ${pos}: ${r === undefined ? "no such raw record" : "second output"}`);
      continue;
    }
    seen.add(pos);
    let outcome: string;
    if (out.kind === "dlq") {
      deadLettered++;
      outcome = out.reason;
      byReason[out.reason] = (byReason[out.reason] ?? 0) + 1;
      if (!originalMatches(out.message.original, out.message.reasonDetail, r.value)) {
        untraceable.push(`dlq ${pos}: original bytes differ`);
      }
    } else {
      valid++;
      outcome = "VALID";
      const original = fromBinary(SensorReadingSchema, r.value);
      const got = out.message.reading!;
      if (
        got.tenant !== original.tenant ||
        got.asset !== original.asset ||
        got.sensor !== original.sensor ||
        got.eventTime?.seconds !== original.eventTime?.seconds ||
        out.key !== `${original.tenant}/${original.asset}`
      ) {
        untraceable.push(`valid ${pos}: not derived from the raw record`);
      }
    }
    if (inputs !== undefined) {
      const expected = inputs[r.index]?.expected;
      const ok = expected === outcome || (expected === "ANY_REJECTION" && outcome !== "VALID");
      if (!ok) unexpected.push(`input ${r.index} at ${pos}: expected ${expected}, got ${outcome}`);
    }
  }
  const missing = raw.filter((r) => !seen.has(`${r.partition}:${r.offset}`)).map((r) => `${r.partition}:${r.offset}`);
  return { inputs: raw.length, valid, deadLettered, orphansOrDuplicates, missing, untraceable, unexpected, byReason };
}
