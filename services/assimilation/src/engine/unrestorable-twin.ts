/**
 * Why a twin's changelog record (`twin.state.v1`) could not be restored, as stable codes.
 *
 * - `CORRUPT_RECORD`: the record's bytes are not a `TwinCheckpoint` protobuf.
 * - `UNKNOWN_TWIN_CLASS`: the record names a twin class version this worker does not know.
 * - `CORRUPT_STATE`: the checkpoint decodes but its state bytes do not (unknown state format, truncated,
 *   or rejected by the estimation library's deserializer).
 */
export const restoreFailureReasons = ["CORRUPT_RECORD", "UNKNOWN_TWIN_CLASS", "CORRUPT_STATE"] as const;

/** One of {@link restoreFailureReasons}. */
export type RestoreFailureReason = (typeof restoreFailureReasons)[number];

/**
 * A twin whose latest changelog record could not be restored: it is held quarantined instead of blocking
 * its partition's restore, so every other twin of the partition keeps working.
 *
 * Why keep it rather than start it afresh from its binding: a fresh twin would silently forget its history
 * and publish estimates that an uninterrupted run would not (invariant 3). Quarantined, its readings yield
 * QUARANTINED estimates that say why (never NaN, invariant 4) until the record is replaced: a later valid
 * record or a tombstone of the key in `twin.state.v1` clears it.
 */
export interface UnrestorableTwin {
  readonly key: string;
  readonly tenant: string;
  readonly asset: string;
  /** Input (= changelog) partition of the twin: it is forgotten with the partition. */
  readonly inputPartition: number;
  readonly reason: RestoreFailureReason;
  /** What went wrong, for the estimate's status reason and the log. */
  readonly message: string;
  /** Class id and version named by the record, when it decoded that far ("" and 0 otherwise). */
  readonly twinClassId: string;
  readonly twinClassVersion: number;
  /** Sequence of the last estimate (from the record when it decoded; advanced per quarantined estimate). */
  sequence: bigint;
}

/** The outcome of restoring one changelog record (`TwinEngine.restoreRecord`). */
export type RestoreOutcome =
  | { readonly restored: true; readonly key: string }
  | { readonly restored: false; readonly twin: UnrestorableTwin; readonly error: unknown };
