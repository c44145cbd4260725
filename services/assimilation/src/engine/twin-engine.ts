import { create, fromBinary } from "@bufbuild/protobuf";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import {
  chiSquareQuantile,
  type FilterBase,
  type FilterSnapshot,
  LagWindowFilter,
  type PredictStatus,
  type UpdateResult,
  type UpdateStatus,
} from "@twinstate/estimation";
import {
  EstimateStatus,
  InnovationSchema,
  type IntervalBand,
  Quality,
  type StateEstimate,
  StateEstimateSchema,
  type TwinCheckpoint,
  TwinCheckpointSchema,
  type ValidatedReading,
} from "@twinstate/proto";
import type { DefinitionCatalog, ResolvedBinding } from "../definitions/definition-catalog.ts";
import type { TwinClass } from "../definitions/twin-class.ts";
import type { AssetBindingDocument } from "../definitions/twin-definition-schema.ts";
import { estimateIntervals } from "./estimate-intervals.ts";
import { secondsToTimestamp, timestampToSeconds } from "./event-time.ts";
import { allNumbersFinite, gaussianIntervals, marginalStd, packUpper } from "./gaussian-summary.ts";
import {
  canonicalJson,
  decodeTwinState,
  encodeTwinState,
  READABLE_TWIN_STATE_FORMAT_VERSIONS,
  TWIN_STATE_FORMAT_VERSION,
} from "./twin-state-codec.ts";
import type { RestoreOutcome, UnrestorableTwin } from "./unrestorable-twin.ts";

/** Where a reading came from in telemetry.valid.v1 (recorded in checkpoints); -1/-1n offline. */
export interface InputPosition {
  readonly partition: number;
  readonly offset: bigint;
}

/** One asset's live twin. */
export interface Twin {
  readonly key: string;
  readonly tenant: string;
  readonly asset: string;
  readonly twinClass: TwinClass;
  readonly parameters: Readonly<Record<string, number>>;
  readonly bindingFingerprint: string;
  /**
   * The filter the twin steps with. A twin of a class without a lag window is a flyweight: its state rests
   * in `snapshot` and `filter` is the class's shared working filter, loaded from the snapshot for each
   * step (a few hundred bytes per twin instead of a filter's dozens of buffers). Only meaningful inside
   * the engine: read state through {@link TwinEngine.snapshotOf}.
   */
  filter: FilterBase;
  /** The flyweight twin's state at rest; undefined for twins with their own filter. */
  snapshot: FilterSnapshot | undefined;
  /** Out-of-order tolerance (the class's `lagWindow`), wrapping the twin's own `filter` (new after a re-acquisition). */
  window: LagWindowFilter | undefined;
  /** Last published (good) mean and covariance: what a quarantined twin reports. */
  lastX: Float64Array;
  lastP: Float64Array;
  sequence: bigint;
  inputPartition: number;
  lastInputOffset: bigint;
  lastEventTime: Timestamp | undefined;
  /**
   * Consecutive gated readings of this twin (any sensor; an accepted update or a re-acquisition resets it):
   * per twin, because a twin one of whose sensors still passes the gate has not lost track. In the checkpoint.
   */
  gatedRun: number;
}

/** Prefix of the status reason of an OK estimate whose reading re-acquired a twin that had lost track. */
export const REACQUIRED_REASON = "REACQUIRED";

/** Largest covariance inflation factor tried by a re-acquisition: P + 4^k·P0, k = 0…REACQUIRE_STEPS−1. */
const REACQUIRE_STEPS = 24;

/** Options of {@link TwinEngine}. */
export interface TwinEngineOptions {
  /** Wall clock for TwinCheckpoint.checkpointed_at (ms); the only non-deterministic field, never in estimates. */
  readonly now?: () => number;
  /**
   * Called once per re-acquisition with the twin's class id, for the
   * `twinstate_assimilation_reacquisitions_total{twin_class}` counter the service registers.
   */
  readonly onReacquisition?: (twinClassId: string) => void;
}

/** A twin could not be restored or queried because its class version is unknown to this worker. */
export class UnknownTwinClassError extends Error {
  readonly code = "UNKNOWN_TWIN_CLASS";
  constructor(message: string) {
    super(message);
    this.name = "UnknownTwinClassError";
  }
}

const UNKNOWN_SENSOR = "UNKNOWN_SENSOR";

const fingerprints = new WeakMap<AssetBindingDocument, { readonly classKey: string; readonly value: string }>();

/**
 * Fingerprint of what a binding decides about a twin: class, resolved version, parameters, initial state.
 * Memoized per binding object and resolved class version (it is computed for every reading).
 */
function fingerprintOf(resolved: ResolvedBinding): string {
  const cached = fingerprints.get(resolved.binding);
  if (cached !== undefined && cached.classKey === resolved.twinClass.key) return cached.value;
  const value = computeFingerprint(resolved);
  fingerprints.set(resolved.binding, { classKey: resolved.twinClass.key, value });
  return value;
}

function computeFingerprint(resolved: ResolvedBinding): string {
  const b = resolved.binding;
  return canonicalJson({
    c: resolved.twinClass.id,
    v: resolved.twinClass.version,
    p: b.parameters,
    m: b.initial.mean,
    s: b.initial.std,
  });
}

function measuredValue(reading: ValidatedReading): Float64Array | undefined {
  const v = reading.reading?.value;
  if (v === undefined) return undefined;
  if (v.case === "scalar") return Float64Array.of(v.value);
  if (v.case === "vector") return Float64Array.from(v.value.components);
  return undefined;
}

/**
 * The per-asset twins of one worker and the one code path that turns a validated reading into an estimate.
 *
 * Pure (no I/O, no clock in estimates): the service, the replay CLI and the tests all run exactly this, so
 * the same readings in the same order give bit-identical estimates (invariant 3), whether or not the twins
 * were checkpointed and restored in between. Per reading: resolve the asset's binding (creating the twin on
 * its first reading at the reading's event time, re-creating it when the binding changed); predict to the
 * event time; update with the named sensor (or hold a new control input). Status:
 * - OK: assimilated (or an input reading applied);
 * - GATED: nis above the sensor's gate, the estimate is the prediction;
 * - REJECTED: unusable reading (unknown/unbound asset, unknown sensor, unit mismatch, bad quality, time
 *   going backwards or jumping more than maxDt, wrong dimension), the estimate is the previous one;
 * - QUARANTINED: the twin's numbers went bad (the library's guard, or this engine's check that every
 *   published number is finite); it reports its last good state until re-bound (invariant 4); also a twin
 *   whose changelog record could not be restored ({@link TwinEngine.restoreRecord}), which says why.
 */
export class TwinEngine {
  readonly catalog: DefinitionCatalog;
  readonly #twins = new Map<string, Twin>();
  /** Twins whose changelog record could not be restored: quarantined until the record is replaced. */
  readonly #unrestorable = new Map<string, UnrestorableTwin>();
  /** Shared working filters of flyweight twins, by class version and parameter overrides. */
  readonly #shared = new Map<string, FilterBase>();
  readonly #now: () => number;
  readonly #onReacquisition: ((twinClassId: string) => void) | undefined;
  /** Re-acquisitions so far, by twin class id (what `onReacquisition` was told). */
  readonly reacquisitions = new Map<string, number>();

  constructor(catalog: DefinitionCatalog, options: TwinEngineOptions = {}) {
    this.catalog = catalog;
    this.#now = options.now ?? Date.now;
    this.#onReacquisition = options.onReacquisition;
  }

  /** The twin of "tenant/asset", or undefined. */
  get(key: string): Twin | undefined {
    return this.#twins.get(key);
  }

  /** Every live twin. */
  twins(): IterableIterator<Twin> {
    return this.#twins.values();
  }

  /** Number of live twins. */
  get size(): number {
    return this.#twins.size;
  }

  /** Twins held quarantined because their changelog record could not be restored. */
  unrestorable(): IterableIterator<UnrestorableTwin> {
    return this.#unrestorable.values();
  }

  /** Forgets one twin (a tombstone in the changelog), restorable or not. */
  drop(key: string): boolean {
    const unrestorable = this.#unrestorable.delete(key);
    return this.#twins.delete(key) || unrestorable;
  }

  /** Forgets twins (revoked partitions), unrestorable ones included: `keep` false drops the twin. */
  retain(keep: (twin: { readonly inputPartition: number }) => boolean): number {
    let dropped = 0;
    for (const [key, twin] of this.#twins) {
      if (!keep(twin)) {
        this.#twins.delete(key);
        dropped++;
      }
    }
    for (const [key, twin] of this.#unrestorable) {
      if (!keep(twin)) {
        this.#unrestorable.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /**
   * Restores one changelog record (key "tenant/asset", TwinCheckpoint bytes, from `partition`) — or, when it
   * cannot be restored (corrupt bytes, unknown class version, state the library refuses), holds the twin
   * quarantined with a typed reason instead of throwing, so one bad record never blocks the restore of the
   * partition's other twins. A later record of the same key replaces either outcome.
   */
  restoreRecord(key: string, partition: number, bytes: Uint8Array): RestoreOutcome {
    let checkpoint: TwinCheckpoint | undefined;
    try {
      checkpoint = fromBinary(TwinCheckpointSchema, bytes);
      if (`${checkpoint.tenant}/${checkpoint.asset}` !== key) {
        throw new Error(`record names ${checkpoint.tenant}/${checkpoint.asset}, its key is ${key}`);
      }
      this.restore(checkpoint);
      this.#unrestorable.delete(key);
      return { restored: true, key };
    } catch (error) {
      this.#twins.delete(key);
      const slash = key.indexOf("/");
      const decoded = checkpoint !== undefined && `${checkpoint.tenant}/${checkpoint.asset}` === key;
      const twin: UnrestorableTwin = {
        key,
        tenant: slash < 0 ? key : key.slice(0, slash),
        asset: slash < 0 ? "" : key.slice(slash + 1),
        // the changelog partition is the input partition (same key, same partition count)
        inputPartition: partition,
        reason: !decoded
          ? "CORRUPT_RECORD"
          : error instanceof UnknownTwinClassError
            ? "UNKNOWN_TWIN_CLASS"
            : "CORRUPT_STATE",
        message: error instanceof Error ? error.message : String(error),
        twinClassId: decoded && checkpoint !== undefined ? checkpoint.twinClassId : "",
        twinClassVersion: decoded && checkpoint !== undefined ? checkpoint.twinClassVersion : 0,
        sequence: decoded && checkpoint !== undefined ? checkpoint.lastSequence : 0n,
      };
      this.#unrestorable.set(key, twin);
      return { restored: false, twin, error };
    }
  }

  /** Assimilates one valid reading and returns the one estimate it produces (never with NaN or Inf). */
  process(reading: ValidatedReading, position: InputPosition = { partition: -1, offset: -1n }): StateEstimate {
    const estimate = this.#process(reading, position);
    const twin = this.#twins.get(`${estimate.tenant}/${estimate.asset}`);
    if (twin !== undefined) this.#save(twin);
    return estimate;
  }

  /** True when the twin is quarantined. */
  isQuarantined(twin: Twin): boolean {
    return (twin.snapshot ?? twin.filter).quarantine !== undefined;
  }

  /** The twin's current filter state (a copy for twins with their own filter). */
  snapshotOf(twin: Twin): FilterSnapshot {
    return twin.snapshot ?? twin.filter.captureState();
  }

  /** Loads a flyweight twin's state into its class's shared filter (no-op for twins with their own filter). */
  #load(twin: Twin): FilterBase {
    if (twin.snapshot !== undefined) twin.filter.restoreState(twin.snapshot);
    return twin.filter;
  }

  /** Stores a flyweight twin's state after a step; its last published state is then that snapshot. */
  #save(twin: Twin): void {
    if (twin.snapshot === undefined) return;
    const quarantinedBefore = twin.snapshot.quarantine !== undefined;
    twin.snapshot = twin.filter.captureState();
    if (!quarantinedBefore && twin.snapshot.quarantine === undefined) {
      twin.lastX = twin.snapshot.x;
      twin.lastP = twin.snapshot.P;
    }
  }

  /** The shared working filter of a class version with parameter overrides. */
  #sharedFilter(twinClass: TwinClass, parameters: Readonly<Record<string, number>>, source: string): FilterBase {
    const key = `${twinClass.key}|${canonicalJson(parameters)}`;
    let filter = this.#shared.get(key);
    if (filter === undefined) {
      filter = twinClass.createFilter(0, { parameters }, source);
      this.#shared.set(key, filter);
    }
    return filter;
  }

  /** Makes a freshly built filter the twin's: kept as its own (lag window) or captured into a flyweight. */
  #adopt(
    twinClass: TwinClass,
    parameters: Readonly<Record<string, number>>,
    built: FilterBase,
    source: string,
  ): { filter: FilterBase; snapshot: FilterSnapshot | undefined } {
    if (twinClass.document.lagWindow !== undefined) return { filter: built, snapshot: undefined };
    return { filter: this.#sharedFilter(twinClass, parameters, source), snapshot: built.captureState() };
  }

  #process(reading: ValidatedReading, position: InputPosition): StateEstimate {
    const r = reading.reading;
    const tenant = r?.tenant ?? "";
    const asset = r?.asset ?? "";
    const key = `${tenant}/${asset}`;
    const eventTime = r?.eventTime;
    const unrestorable = this.#unrestorable.get(key);
    if (unrestorable !== undefined) return unrestorableEstimate(unrestorable, reading);
    const resolved = this.catalog.resolve(key);
    if (resolved === undefined || eventTime === undefined) {
      // No twin to speak for: still one estimate per valid reading (exactly-once accounting), rejected.
      const reason =
        eventTime === undefined ? "NO_EVENT_TIME: reading has no event time" : `UNBOUND_ASSET: no binding for ${key}`;
      const existing = this.#twins.get(key);
      if (existing !== undefined) {
        this.#load(existing);
        return this.#rejected(existing, reading, position, reason);
      }
      return create(StateEstimateSchema, {
        tenant,
        asset,
        status: EstimateStatus.REJECTED,
        statusReason: reason,
        ...(eventTime === undefined ? {} : { eventTime }),
        ...(reading.ingestionTime === undefined ? {} : { ingestionTime: reading.ingestionTime }),
      });
    }
    const t = timestampToSeconds(eventTime);
    let twin = this.#twins.get(key);
    const fingerprint = fingerprintOf(resolved);
    if (twin === undefined || twin.bindingFingerprint !== fingerprint) {
      twin = this.#createTwin(key, tenant, asset, resolved, fingerprint, t, twin);
      this.#twins.set(key, twin);
    }
    const filter = this.#load(twin);
    const sensor = r?.sensor ?? "";
    const tc = twin.twinClass;

    if (filter.quarantine !== undefined) {
      return this.#quarantined(twin, reading, position, filter.quarantine.reason);
    }
    const inputIndex = tc.inputSensors.get(sensor);
    const isMeasurement = Object.hasOwn(tc.sensors, sensor);
    if (inputIndex === undefined && !isMeasurement) {
      return this.#rejected(twin, reading, position, `${UNKNOWN_SENSOR}: sensor "${sensor}" is not in ${tc.key}`);
    }
    const z = measuredValue(reading);
    if (z === undefined) return this.#rejected(twin, reading, position, "NO_VALUE: reading has no value");
    if (r?.quality === Quality.BAD) {
      return this.#rejected(twin, reading, position, "BAD_QUALITY: the source flagged the value as bad");
    }
    if (isMeasurement) {
      const unit = tc.sensorUnits.get(sensor);
      const got = reading.canonicalUnit !== "" ? reading.canonicalUnit : (r?.unit ?? "");
      if (unit !== got) {
        return this.#rejected(
          twin,
          reading,
          position,
          `UNIT_MISMATCH: sensor "${sensor}" is in ${unit}, reading in ${got}`,
        );
      }
    }

    if (inputIndex !== undefined) {
      if (z.length !== 1) {
        return this.#rejected(twin, reading, position, `DIMENSION_MISMATCH: input sensor "${sensor}" needs a scalar`);
      }
      // Zero-order hold from the reading's event time: predict to t with the old input, then hold the new one.
      const moved = step(twin, t, null, null, undefined);
      if (moved.status.kind === "rejected")
        return this.#refused(twin, reading, position, moved.status, moved.predicted);
      const u = filter.lastInput.slice();
      u[inputIndex] = z[0] as number;
      const held = step(twin, t, null, null, u);
      if (held.status.kind === "rejected") return this.#refused(twin, reading, position, held.status, true);
      return this.#publish(twin, reading, position, EstimateStatus.OK, "", undefined);
    }

    const result = step(twin, t, sensor, z, undefined);
    const status = result.status;
    if (status.kind === "accepted") {
      twin.gatedRun = 0;
      return this.#publish(twin, reading, position, EstimateStatus.OK, "", result.update ?? undefined);
    }
    if (status.kind === "gated") {
      const after = twin.twinClass.document.sensors[sensor]?.gate?.reacquireAfter ?? 0;
      if (after > 0 && twin.gatedRun >= after && twin.filter.t === t) {
        const nis = result.update?.nis ?? Number.NaN;
        const reacquired = this.#reacquire(twin, resolved.binding, sensor, z, t);
        if (reacquired !== undefined) {
          const why =
            `${REACQUIRED_REASON}: re-acquired after ${twin.gatedRun} consecutive gated readings ` +
            `(nis ${nis} > ${status.threshold}); covariance inflated to P + ${reacquired.scale}·P0`;
          twin.gatedRun = 0;
          this.reacquisitions.set(twin.twinClass.id, (this.reacquisitions.get(twin.twinClass.id) ?? 0) + 1);
          this.#onReacquisition?.(twin.twinClass.id);
          return this.#publish(twin, reading, position, EstimateStatus.OK, why, reacquired.update);
        }
      }
      twin.gatedRun += 1;
      const reason = `NIS_GATE: nis ${result.update?.nis} > ${status.threshold}`;
      return this.#publish(twin, reading, position, EstimateStatus.GATED, reason, result.update ?? undefined);
    }
    return this.#refused(twin, reading, position, status, result.predicted);
  }

  /**
   * Re-acquires a twin that has lost track: from the predicted state (x, P) at t, resets the filter (the
   * library's public `reset`) to (x, P + s·P0) with P0 the binding's initial covariance and s = 1, 4, 16, …
   * until the reading (sensor, z) passes the gate, nis = yᵀS⁻¹y ≤ χ²⁻¹(p; m) with S = H(P + s·P0)Hᵀ + R,
   * and is assimilated. Deterministic (a fixed sequence of factors), so replays and restores agree.
   * A lag-window twin gets a fresh window around the re-acquired filter (older readings cannot re-filter
   * across the discontinuity). Returns undefined, with the state exactly as before, when no factor works.
   */
  #reacquire(
    twin: Twin,
    binding: AssetBindingDocument,
    sensor: string,
    z: Float64Array,
    t: number,
  ): { readonly update: UpdateResult; readonly scale: number } | undefined {
    const filter = twin.filter;
    const before = filter.captureState();
    const x = filter.mean();
    const P = filter.covariance();
    const P0 = twin.twinClass.createFilter(t, bindingOverrides(binding), `binding ${twin.key}`).covariance();
    const inflated = new Float64Array(P.length);
    let scale = 1;
    for (let k = 0; k < REACQUIRE_STEPS; k++, scale *= 4) {
      for (let i = 0; i < P.length; i++) inflated[i] = (P[i] as number) + scale * (P0[i] as number);
      filter.reset(x, inflated, t);
      const r = filter.update(sensor, z);
      if (r.status.kind === "accepted") {
        const lag = twin.twinClass.document.lagWindow;
        if (twin.window !== undefined && lag !== undefined) twin.window = new LagWindowFilter(filter, lag.seconds);
        return { update: r, scale };
      }
      if (r.status.kind !== "gated") break;
    }
    filter.restoreState(before);
    return undefined;
  }

  /**
   * A refused step: NUMERICAL_FAILURE/QUARANTINED quarantine the twin; otherwise REJECTED, reporting the
   * prediction when the predict went through (the update was refused) or the unchanged state when not.
   */
  #refused(
    twin: Twin,
    reading: ValidatedReading,
    position: InputPosition,
    status: { readonly reason: string; readonly message: string },
    predicted: boolean,
  ): StateEstimate {
    const reason = `${status.reason}: ${status.message}`;
    if (
      status.reason === "NUMERICAL_FAILURE" ||
      status.reason === "QUARANTINED" ||
      twin.filter.quarantine !== undefined
    ) {
      return this.#quarantined(twin, reading, position, reason);
    }
    if (predicted) return this.#publish(twin, reading, position, EstimateStatus.REJECTED, reason, undefined);
    return this.#rejected(twin, reading, position, reason);
  }

  /** The changelog record of a twin: its exact state and bookkeeping (key "tenant/asset" in twin.state.v1). */
  checkpoint(key: string): TwinCheckpoint {
    const twin = this.#twins.get(key);
    if (twin === undefined) throw new Error(`no twin ${key}`);
    // A quarantined filter refuses to give its state and reports its last good one, which a restored twin
    // must report too: it travels beside the library's serialized filter.
    this.#load(twin);
    const quarantined = twin.filter.quarantine !== undefined;
    const state = encodeTwinState({
      filter: twin.window ?? twin.filter,
      parameters: twin.parameters,
      bindingFingerprint: twin.bindingFingerprint,
      last: quarantined ? { x: twin.lastX, P: twin.lastP } : undefined,
      gatedRun: twin.gatedRun,
    });
    return create(TwinCheckpointSchema, {
      tenant: twin.tenant,
      asset: twin.asset,
      twinClassId: twin.twinClass.id,
      twinClassVersion: twin.twinClass.version,
      formatVersion: TWIN_STATE_FORMAT_VERSION,
      state,
      inputPartition: twin.inputPartition,
      lastInputOffset: twin.lastInputOffset,
      lastSequence: twin.sequence,
      ...(twin.lastEventTime === undefined ? {} : { lastEventTime: twin.lastEventTime }),
      checkpointedAt: secondsToTimestamp(this.#now() / 1000),
    });
  }

  /**
   * Replaces (or creates) a twin from its changelog record, exactly as it was when checkpointed.
   * @throws UnknownTwinClassError when the class version is unknown here; TwinStateFormatError on bad bytes
   */
  restore(checkpoint: TwinCheckpoint): Twin {
    const twinClass = this.catalog.getClass(checkpoint.twinClassId, checkpoint.twinClassVersion);
    if (twinClass === undefined || checkpoint.twinClassVersion === 0) {
      throw new UnknownTwinClassError(
        `checkpoint of ${checkpoint.tenant}/${checkpoint.asset} needs ${checkpoint.twinClassId} v${checkpoint.twinClassVersion}`,
      );
    }
    const key = `${checkpoint.tenant}/${checkpoint.asset}`;
    const source = `checkpoint ${key}`;
    const parametersOf = (bytes: Uint8Array): Record<string, number> => {
      // The parameter overrides are needed to build the models the filter is decoded against.
      const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, true);
      return JSON.parse(new TextDecoder().decode(bytes.subarray(5, 5 + len))) as Record<string, number>;
    };
    const transition = twinClass.transitionWith(
      READABLE_TWIN_STATE_FORMAT_VERSIONS.has(checkpoint.formatVersion) ? parametersOf(checkpoint.state) : {},
      source,
    );
    const snapshot = decodeTwinState(checkpoint.state, checkpoint.formatVersion, {
      transition,
      sensors: twinClass.sensors,
    });
    const window = snapshot.filter instanceof LagWindowFilter ? snapshot.filter : undefined;
    const built = window?.filter ?? (snapshot.filter as FilterBase);
    const quarantined = built.quarantine !== undefined;
    const adopted =
      window === undefined
        ? this.#adopt(twinClass, snapshot.parameters, built, source)
        : { filter: built, snapshot: undefined };
    const held = adopted.snapshot;
    const twin: Twin = {
      key,
      tenant: checkpoint.tenant,
      asset: checkpoint.asset,
      twinClass,
      parameters: snapshot.parameters,
      bindingFingerprint: snapshot.bindingFingerprint,
      filter: adopted.filter,
      snapshot: held,
      window,
      lastX: quarantined
        ? (snapshot.last?.x ?? new Float64Array(twinClass.stateNames.length))
        : (held?.x ?? built.mean()),
      lastP: quarantined
        ? (snapshot.last?.P ?? new Float64Array(twinClass.stateNames.length ** 2))
        : (held?.P ?? built.covariance()),
      sequence: checkpoint.lastSequence,
      inputPartition: checkpoint.inputPartition,
      lastInputOffset: checkpoint.lastInputOffset,
      lastEventTime: checkpoint.lastEventTime,
      gatedRun: snapshot.gatedRun,
    };
    this.#twins.set(key, twin);
    return twin;
  }

  #createTwin(
    key: string,
    tenant: string,
    asset: string,
    resolved: ResolvedBinding,
    fingerprint: string,
    t: number,
    previous: Twin | undefined,
  ): Twin {
    const { twinClass, binding } = resolved;
    const source = `binding ${key}`;
    const overrides = bindingOverrides(binding);
    let filter: FilterBase;
    let t0 = t;
    if (previous !== undefined) {
      // Re-binding: keep the estimate when the state layout is the same, at the twin's current time.
      t0 = Math.min(this.snapshotOf(previous).t, t);
      const sameState =
        previous.twinClass.stateNames.length === twinClass.stateNames.length &&
        previous.twinClass.stateNames.every((n, i) => n === twinClass.stateNames[i]);
      filter = sameState
        ? twinClass.createFilterFrom(
            twinClass.transitionWith(binding.parameters, source),
            previous.lastX,
            previous.lastP,
            t0,
            source,
          )
        : twinClass.createFilter(t0, overrides, source);
    } else {
      filter = twinClass.createFilter(t0, overrides, source);
    }
    if (twinClass.defaultInput.length > 0) filter.predict(t0, twinClass.defaultInput);
    const lag = twinClass.document.lagWindow;
    const window = lag === undefined ? undefined : new LagWindowFilter(filter, lag.seconds);
    const lastX = filter.mean();
    const lastP = filter.covariance();
    const adopted = this.#adopt(twinClass, binding.parameters, filter, source);
    return {
      key,
      tenant,
      asset,
      twinClass,
      parameters: binding.parameters,
      bindingFingerprint: fingerprint,
      filter: adopted.filter,
      snapshot: adopted.snapshot,
      window,
      lastX,
      lastP,
      sequence: previous?.sequence ?? 0n,
      inputPartition: previous?.inputPartition ?? -1,
      lastInputOffset: previous?.lastInputOffset ?? -1n,
      lastEventTime: previous?.lastEventTime,
      gatedRun: 0,
    };
  }

  #advance(twin: Twin, reading: ValidatedReading, position: InputPosition): bigint {
    twin.sequence += 1n;
    twin.inputPartition = position.partition;
    twin.lastInputOffset = position.offset;
    twin.lastEventTime = reading.reading?.eventTime;
    return twin.sequence;
  }

  #rejected(twin: Twin, reading: ValidatedReading, position: InputPosition, reason: string): StateEstimate {
    if (twin.filter.quarantine !== undefined) {
      return this.#emit(twin, reading, position, EstimateStatus.REJECTED, reason, twin.lastX, twin.lastP, undefined);
    }
    return this.#publish(twin, reading, position, EstimateStatus.REJECTED, reason, undefined);
  }

  #quarantined(twin: Twin, reading: ValidatedReading, position: InputPosition, reason: string): StateEstimate {
    if (twin.filter.quarantine === undefined) twin.filter.quarantine = { reason, t: twin.filter.t };
    return this.#emit(twin, reading, position, EstimateStatus.QUARANTINED, reason, twin.lastX, twin.lastP, undefined);
  }

  /** Publishes the filter's current state; a non-finite number anywhere quarantines the twin instead. */
  #publish(
    twin: Twin,
    reading: ValidatedReading,
    position: InputPosition,
    status: EstimateStatus,
    reason: string,
    update: UpdateResult | undefined,
  ): StateEstimate {
    const x = twin.filter.mean();
    const P = twin.filter.covariance();
    const innovationOk =
      update === undefined ||
      update.y === null ||
      allNumbersFinite(update.y, update.S ?? [], update.predictedMeasurement ?? [], [
        update.nis ?? 0,
        update.logLikelihood ?? 0,
      ]);
    const n = twin.twinClass.stateNames.length;
    const intervals = allNumbersFinite(x, P)
      ? estimateIntervals(twin.filter, x, marginalStd(P, n), twin.twinClass.document.forecast.levels)
      : [];
    const intervalsOk = intervals.every((b) => allNumbersFinite(b.lower, b.upper));
    if (!allNumbersFinite(x, P) || !innovationOk || !intervalsOk) {
      return this.#quarantined(twin, reading, position, "NON_FINITE_OUTPUT: the estimate had a NaN or Inf");
    }
    if (twin.snapshot === undefined) {
      twin.lastX = x;
      twin.lastP = P;
    }
    return this.#emit(twin, reading, position, status, reason, x, P, update, intervals);
  }

  #emit(
    twin: Twin,
    reading: ValidatedReading,
    position: InputPosition,
    status: EstimateStatus,
    statusReason: string,
    x: Float64Array,
    P: Float64Array,
    update: UpdateResult | undefined,
    intervals?: IntervalBand[],
  ): StateEstimate {
    const sequence = this.#advance(twin, reading, position);
    const tc = twin.twinClass;
    const n = tc.stateNames.length;
    const stdDev = marginalStd(P, n);
    const gated = update?.status.kind === "gated";
    const innovation =
      update === undefined || update.y === null || update.S === null
        ? undefined
        : create(InnovationSchema, {
            sensor: update.sensor,
            residual: Array.from(update.y),
            covariance: packUpper(update.S, update.y.length),
            nis: update.nis ?? 0,
            gated,
            // ẑ⁻ = h(x⁻), the sensor's predicted measurement before this update (m entries): z = ẑ⁻ + y
            predictedMeasurement: update.predictedMeasurement === null ? [] : Array.from(update.predictedMeasurement),
            gateThreshold:
              update.status.kind === "gated"
                ? update.status.threshold
                : gateThresholdOf(twin, update.sensor, update.y.length),
          });
    const estimate = create(StateEstimateSchema, {
      tenant: twin.tenant,
      asset: twin.asset,
      twinClassId: tc.id,
      twinClassVersion: tc.version,
      variableNames: [...tc.stateNames],
      mean: Array.from(x),
      covariance: packUpper(P, n),
      stdDev,
      // from the filter when it published (particle quantiles for a particle twin); Gaussian around the held
      // estimate when a rejected or quarantined reading re-emits it
      intervals: intervals ?? gaussianIntervals(x, stdDev, tc.document.forecast.levels),
      logLikelihood: status === EstimateStatus.OK && update !== undefined ? (update.logLikelihood ?? 0) : 0,
      status,
      statusReason,
      sequence,
      ...(reading.reading?.eventTime === undefined ? {} : { eventTime: reading.reading.eventTime }),
      ...(reading.ingestionTime === undefined ? {} : { ingestionTime: reading.ingestionTime }),
      ...(innovation === undefined ? {} : { innovation }),
    });
    return estimate;
  }
}

/**
 * The estimate of a reading for a twin whose changelog record could not be restored: QUARANTINED, saying
 * why (`RESTORE_FAILED <reason>: <message>`), with no state numbers at all (nothing to be NaN), and the next
 * sequence after the record's (so sequences stay gap-free when the record named one).
 */
function unrestorableEstimate(twin: UnrestorableTwin, reading: ValidatedReading): StateEstimate {
  twin.sequence += 1n;
  return create(StateEstimateSchema, {
    tenant: twin.tenant,
    asset: twin.asset,
    twinClassId: twin.twinClassId,
    twinClassVersion: twin.twinClassVersion,
    status: EstimateStatus.QUARANTINED,
    statusReason: `RESTORE_FAILED ${twin.reason}: the twin's changelog record could not be restored (${twin.message})`,
    sequence: twin.sequence,
    ...(reading.reading?.eventTime === undefined ? {} : { eventTime: reading.reading.eventTime }),
    ...(reading.ingestionTime === undefined ? {} : { ingestionTime: reading.ingestionTime }),
  });
}

/** Outcome of one engine step: the status, the update when one ran, and whether the predict went through. */
interface StepOutcome {
  readonly status: UpdateStatus | PredictStatus;
  readonly update: UpdateResult | null;
  readonly predicted: boolean;
}

/**
 * One step of a twin: predict to t (with input u when given), then update with (sensor, z) when given —
 * through the lag window when the class has one (it re-filters out-of-order readings exactly as an
 * in-order run would), directly on the filter otherwise (a reading older than the filter time is then
 * rejected with TIME_WENT_BACKWARDS).
 */
function step(
  twin: Twin,
  t: number,
  sensor: string | null,
  z: Float64Array | null,
  u: Float64Array | undefined,
): StepOutcome {
  if (twin.window !== undefined) {
    const r = twin.window.ingest(u === undefined ? { t, sensor, z } : { t, sensor, z, u });
    return { status: r.status, update: r.update, predicted: r.predict?.status.kind === "accepted" };
  }
  const p = twin.filter.predict(t, u);
  if (p.status.kind !== "accepted") return { status: p.status, update: null, predicted: false };
  if (sensor === null || z === null) return { status: p.status, update: null, predicted: true };
  const r = twin.filter.update(sensor, z);
  return { status: r.status, update: r, predicted: true };
}

/**
 * The gate threshold of a sensor, χ²⁻¹(probability; m), or 0 when it has no gate (Innovation.gate_threshold).
 * The same library function the filter gates with, so the value is the one nis was compared against.
 */
function gateThresholdOf(twin: Twin, sensor: string, m: number): number {
  const p = twin.twinClass.sensors[sensor]?.gate?.probability;
  if (p === undefined) return 0;
  const key = `${p}/${m}`;
  let threshold = gateThresholds.get(key);
  if (threshold === undefined) {
    threshold = chiSquareQuantile(p, m);
    gateThresholds.set(key, threshold);
  }
  return threshold;
}

/** χ²⁻¹(p; m) by "p/m": a handful of distinct gates exist, and the quantile is costly to compute. */
const gateThresholds = new Map<string, number>();

/** The binding's overrides in the form TwinClass takes. */
export function bindingOverrides(binding: AssetBindingDocument): {
  initialMean: Readonly<Record<string, number>>;
  initialStd: Readonly<Record<string, number>>;
  parameters: Readonly<Record<string, number>>;
} {
  return { initialMean: binding.initial.mean, initialStd: binding.initial.std, parameters: binding.parameters };
}
