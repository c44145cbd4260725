import { InvalidFilterConfigError } from "../errors/invalid-filter-config-error.ts";
import type { FilterBase } from "../filters/filter-base.ts";
import type { FilterSnapshot } from "../filters/filter-snapshot.ts";
import type { PredictResult, UpdateResult } from "../filters/state-filter.ts";
import { type RejectedStatus, RejectionReason, rejected, type UpdateStatus } from "../filters/step-status.ts";

/** One reading (or, with `sensor` null, a predict-only step) in event time. */
export interface TimedReading {
  /** Event time of the measurement (seconds, the filter's clock). */
  readonly t: number;
  /** Sensor name, or null for a predict-only step (e.g. a control input change without a measurement). */
  readonly sensor: string | null;
  readonly z: Float64Array | null;
  /** Control input for the predict to t (held when omitted). */
  readonly u?: Float64Array;
}

/** A reading kept in the window, with the filter state just before it was applied. */
export interface LagWindowEntry {
  readonly t: number;
  /** Arrival sequence number: orders readings with equal event times. */
  readonly seq: number;
  readonly sensor: string | null;
  readonly z: Float64Array | null;
  readonly u: Float64Array | null;
  checkpoint: FilterSnapshot;
}

/** Outcome of {@link LagWindowFilter.ingest}. */
export interface LagWindowResult {
  /** accepted / gated (the measurement's NIS gate) / rejected (LATE_READING, non-finite, …). */
  readonly status: UpdateStatus;
  /** The reading's predict and update results (clones when the reading was inserted out of order). */
  readonly predict: PredictResult | null;
  readonly update: UpdateResult | null;
  /** Number of later readings re-filtered because this one arrived out of order. */
  readonly replayed: number;
}

/**
 * Out-of-order tolerant wrapper around any filter: keeps the readings of the last `lag` seconds of event
 * time with a checkpoint of the filter state before each, and when a reading arrives with an event time
 * earlier than the latest processed one (but within the window), rolls back to the checkpoint where it
 * belongs and re-filters it and every later reading.
 *
 * Guarantee: the state after any arrival order equals, bit for bit, the state of an in-order run over the
 * same readings sorted by (event time, arrival sequence) — equal timestamps keep arrival order. Readings
 * older than `latest − lag` are rejected with LATE_READING. Entries older than the window are dropped.
 * Only readings whose predict was accepted enter the history (a rejected predict changes nothing).
 */
export class LagWindowFilter {
  readonly filter: FilterBase;
  /** Window length in seconds of event time. */
  readonly lag: number;
  private entries: LagWindowEntry[] = [];
  private nextSeq = 0;
  private latest = Number.NEGATIVE_INFINITY;

  constructor(filter: FilterBase, lag: number) {
    if (!(lag >= 0) || !Number.isFinite(lag)) throw new InvalidFilterConfigError("lag must be finite and ≥ 0", { lag });
    this.filter = filter;
    this.lag = lag;
  }

  /** Latest event time processed (−Infinity before the first reading). */
  get latestTime(): number {
    return this.latest;
  }

  /** The readings currently in the window, oldest first (read-only view). */
  get history(): readonly LagWindowEntry[] {
    return this.entries;
  }

  get nextSequence(): number {
    return this.nextSeq;
  }

  mean(): Float64Array {
    return this.filter.mean();
  }

  covariance(): Float64Array {
    return this.filter.covariance();
  }

  /** A predict-only step to t (kept in the window so late readings re-filter through it). */
  advance(t: number, u?: Float64Array): LagWindowResult {
    return this.ingest(u === undefined ? { t, sensor: null, z: null } : { t, sensor: null, z: null, u });
  }

  /** Processes one reading in event time, re-filtering if it arrived out of order. */
  ingest(reading: TimedReading): LagWindowResult {
    const { t } = reading;
    if (!Number.isFinite(t)) return this.reject(rejected(RejectionReason.NON_FINITE_INPUT, `t is ${t}`));
    if (t < this.latest - this.lag) {
      return this.reject(
        rejected(RejectionReason.LATE_READING, `t=${t} is older than the lag window (${this.latest} − ${this.lag})`),
      );
    }
    const entry: LagWindowEntry = {
      t,
      seq: this.nextSeq,
      sensor: reading.sensor,
      z: reading.z === null ? null : reading.z.slice(),
      u: reading.u === undefined ? null : reading.u.slice(),
      checkpoint: this.filter.captureState(),
    };
    if (t >= this.latest) {
      const r = this.apply(entry);
      if (r.predict?.status.kind === "accepted") {
        this.nextSeq++;
        this.entries.push(entry);
        this.latest = t;
        this.prune();
      }
      return r;
    }
    // Out of order: insert after every entry with event time ≤ t, roll back, re-filter.
    let i = this.entries.length;
    while (i > 0 && (this.entries[i - 1] as LagWindowEntry).t > t) i--;
    const later = this.entries.slice(i);
    const restorePoint = (later[0] as LagWindowEntry).checkpoint;
    this.filter.restoreState(restorePoint);
    entry.checkpoint = restorePoint;
    const r = this.apply(entry);
    const own: LagWindowResult = {
      status: r.status,
      predict: r.predict?.clone() ?? null,
      update: r.update?.clone() ?? null,
      replayed: 0,
    };
    const accepted = r.predict?.status.kind === "accepted";
    const kept = this.entries.slice(0, i);
    if (accepted) {
      this.nextSeq++;
      kept.push(entry);
    }
    for (const e of later) {
      e.checkpoint = this.filter.captureState();
      this.apply(e);
      kept.push(e);
    }
    this.entries = kept;
    return { ...own, replayed: later.length };
  }

  /** Predict to the entry's time, then update when it carries a measurement. */
  private apply(e: LagWindowEntry): LagWindowResult {
    const p = this.filter.predict(e.t, e.u ?? undefined);
    if (p.status.kind !== "accepted" || e.sensor === null || e.z === null) {
      return { status: p.status, predict: p, update: null, replayed: 0 };
    }
    const u = this.filter.update(e.sensor, e.z);
    return { status: u.status, predict: p, update: u, replayed: 0 };
  }

  private reject(status: RejectedStatus): LagWindowResult {
    return { status, predict: null, update: null, replayed: 0 };
  }

  /** Drops entries that can no longer be a roll-back point: event time before latest − lag. */
  private prune(): void {
    const cutoff = this.latest - this.lag;
    let k = 0;
    while (k < this.entries.length - 1 && (this.entries[k] as LagWindowEntry).t < cutoff) k++;
    if (k > 0) this.entries = this.entries.slice(k);
  }

  /**
   * Rebuilds the wrapper from serialized parts: the filter already restored to the state before the first
   * entry, the entries (checkpoints are recomputed by re-filtering), the sequence counter and latest time.
   */
  static rebuild(
    filter: FilterBase,
    lag: number,
    entries: readonly Omit<LagWindowEntry, "checkpoint">[],
    nextSeq: number,
    latest: number,
  ): LagWindowFilter {
    const w = new LagWindowFilter(filter, lag);
    for (const e of entries) {
      const entry: LagWindowEntry = { ...e, checkpoint: filter.captureState() };
      w.apply(entry);
      w.entries.push(entry);
    }
    w.nextSeq = nextSeq;
    w.latest = latest;
    return w;
  }
}
