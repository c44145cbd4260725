import { type DetectorResult, DetectorSuite } from "@twinstate/drift-detectors";
import type { DriftEvent, StateEstimate } from "@twinstate/proto";
import { configFingerprint, type DriftDefinitions } from "../definitions/drift-definitions.ts";
import { driftEventOf } from "../mapping/drift-event-of.ts";
import { estimateSample, eventTimeMs, type SkipReason } from "../mapping/estimate-sample.ts";
import { type SuiteRecord, suiteKey } from "./suite-record.ts";

/** What one estimate did to the suites. */
export type EstimateOutcome =
  | {
      readonly kind: "fed";
      readonly key: string;
      readonly results: readonly DetectorResult[];
      readonly events: readonly DriftEvent[];
      /** Seconds spent in the detectors. */
      readonly seconds: number;
    }
  | { readonly kind: "skipped"; readonly reason: SkipReason | "duplicate" };

/**
 * Every detector suite this worker owns, one per (tenant, asset, sensor), and the one code path from an
 * estimate to drift events.
 *
 * Deterministic given the restored records, the definitions and the input order: a suite is created on its
 * sensor's first sample with the configuration of the estimate's class version, fed with the sample index as
 * its clock, and rebuilt (evidence dropped) only when a new class version changes that sensor's
 * configuration or its dimension. Estimates at or below the suite's last sequence are duplicates and skipped.
 */
export class DriftSuites {
  readonly #definitions: DriftDefinitions;
  readonly #records = new Map<string, SuiteRecord>();

  constructor(definitions: DriftDefinitions) {
    this.#definitions = definitions;
  }

  /** Feeds one estimate read from `partition` of the estimates topic. */
  process(estimate: StateEstimate, partition: number): EstimateOutcome {
    const mapped = estimateSample(estimate, 0);
    if (mapped.kind === "skip") return { kind: "skipped", reason: mapped.reason };
    const key = suiteKey(estimate.tenant, estimate.asset, mapped.sensor);
    let record = this.#records.get(key);
    if (record !== undefined && record.lastSequence > 0n && estimate.sequence <= record.lastSequence) {
      return { kind: "skipped", reason: "duplicate" };
    }
    const config = this.#definitions.configFor(estimate.twinClassId, estimate.twinClassVersion, mapped.sensor);
    const fingerprint = configFingerprint(config);
    if (record === undefined) {
      record = {
        tenant: estimate.tenant,
        asset: estimate.asset,
        sensor: mapped.sensor,
        twinClassId: estimate.twinClassId,
        twinClassVersion: estimate.twinClassVersion,
        fingerprint,
        suite: DetectorSuite.create(config, mapped.dimZ),
        samples: 0,
        lastSequence: 0n,
        lastEventTimeMs: Number.NaN,
        partition,
      };
      this.#records.set(key, record);
    } else if (
      record.fingerprint !== fingerprint ||
      record.suite.dimZ !== mapped.dimZ ||
      record.twinClassId !== estimate.twinClassId
    ) {
      record.suite = DetectorSuite.create(config, mapped.dimZ);
      record.fingerprint = fingerprint;
      record.twinClassId = estimate.twinClassId;
    }
    record.twinClassVersion = estimate.twinClassVersion;
    record.partition = partition;
    const sample = { ...mapped.sample, index: record.samples };
    const begun = performance.now();
    const results = record.suite.update(sample);
    const seconds = (performance.now() - begun) / 1000;
    record.samples++;
    record.lastSequence = estimate.sequence;
    record.lastEventTimeMs = eventTimeMs(estimate) ?? Number.NaN;
    const events = results.map((r) => driftEventOf(estimate, mapped.sensor, r));
    return { kind: "fed", key, results, events, seconds };
  }

  /** The record of a key. */
  get(key: string): SuiteRecord | undefined {
    return this.#records.get(key);
  }

  /** Puts a restored record (replacing any in memory). */
  restore(key: string, record: SuiteRecord): void {
    this.#records.set(key, record);
  }

  /** Deletes one key (a tombstone in the changelog). */
  delete(key: string): void {
    this.#records.delete(key);
  }

  /** Drops every record of the given input partitions; returns how many. */
  dropPartitions(partitions: ReadonlySet<number>): number {
    let n = 0;
    for (const [key, r] of this.#records) {
      if (partitions.has(r.partition)) {
        this.#records.delete(key);
        n++;
      }
    }
    return n;
  }

  /** The records of one asset, ordered by sensor. */
  ofAsset(tenant: string, asset: string): SuiteRecord[] {
    return [...this.#records.values()]
      .filter((r) => r.tenant === tenant && r.asset === asset)
      .sort((a, b) => (a.sensor < b.sensor ? -1 : a.sensor > b.sensor ? 1 : 0));
  }

  /** Number of suites held. */
  get size(): number {
    return this.#records.size;
  }
}
