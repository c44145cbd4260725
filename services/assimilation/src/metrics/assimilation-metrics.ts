import { EstimateStatus, type StateEstimate } from "@twinstate/proto";
import { metricName } from "@twinstate/runtime";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

const name = (n: string) => metricName(`assimilation_${n}`);

/**
 * The assimilation service's Prometheus metrics (`twinstate_assimilation_` prefix, base units).
 *
 * Cardinality is bounded: series are labelled by twin class, status and reason code (closed sets), never by
 * asset, except the per-asset uncertainty gauge, which exists only for the configured watch list.
 */
export class AssimilationMetrics {
  readonly readings: Counter<"twin_class" | "status">;
  readonly updateSeconds: Histogram<"twin_class">;
  readonly nis: Histogram<"twin_class">;
  readonly notAssimilated: Counter<"twin_class" | "status" | "reason">;
  readonly quarantinedTwins: Gauge;
  readonly uncertainty: Gauge<"twin_class" | "variable">;
  readonly watchedUncertainty: Gauge<"asset" | "variable">;
  readonly restoreSeconds: Histogram;
  readonly restoreRecords: Counter;
  /** Changelog records that could not be restored, by reason (their twins are held quarantined). */
  readonly restoreFailures: Counter<"reason">;
  /** Twins re-acquired after losing track (a run of consecutive gated readings), by twin class. */
  readonly reacquisitions: Counter<"twin_class">;
  readonly consumerLag: Gauge<"partition">;
  readonly transactionAborts: Counter;
  readonly twins: Gauge;
  readonly #watch: ReadonlySet<string>;

  constructor(registry: Registry, watchList: readonly string[]) {
    this.#watch = new Set(watchList);
    const registers = [registry];
    this.readings = new Counter({
      name: name("readings_processed_total"),
      help: "Valid readings assimilated, by resulting estimate status",
      labelNames: ["twin_class", "status"],
      registers,
    });
    this.updateSeconds = new Histogram({
      name: name("update_duration_seconds"),
      help: "Time to turn one reading into its estimate (predict + update)",
      labelNames: ["twin_class"],
      buckets: [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1],
      registers,
    });
    this.nis = new Histogram({
      name: name("nis"),
      help: "Normalized innovation squared of updates, per twin class",
      labelNames: ["twin_class"],
      buckets: [0.1, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 25, 50],
      registers,
    });
    this.notAssimilated = new Counter({
      name: name("measurements_not_assimilated_total"),
      help: "Readings gated, rejected or refused by quarantine, by reason code",
      labelNames: ["twin_class", "status", "reason"],
      registers,
    });
    this.quarantinedTwins = new Gauge({
      name: name("quarantined_twins"),
      help: "Twins owned by this worker that are quarantined",
      registers,
    });
    this.uncertainty = new Gauge({
      name: name("uncertainty_std_mean"),
      help: "Mean posterior standard deviation per variable over the class's owned twins (variable's unit)",
      labelNames: ["twin_class", "variable"],
      registers,
    });
    this.watchedUncertainty = new Gauge({
      name: name("watched_uncertainty_std"),
      help: "Posterior standard deviation of watch-listed assets (variable's unit)",
      labelNames: ["asset", "variable"],
      registers,
    });
    this.restoreSeconds = new Histogram({
      name: name("restore_duration_seconds"),
      help: "Time to restore assigned partitions from the changelog",
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    });
    this.restoreRecords = new Counter({
      name: name("restore_records_total"),
      help: "Changelog records read while restoring",
      registers,
    });
    this.restoreFailures = new Counter({
      name: name("restore_failures_total"),
      help: "Changelog records that could not be restored (corrupt bytes, unknown class version); each twin is quarantined",
      labelNames: ["reason"],
      registers,
    });
    this.reacquisitions = new Counter({
      name: name("reacquisitions_total"),
      help: "Twins re-acquired after losing track (consecutive gated readings), by twin class",
      labelNames: ["twin_class"],
      registers,
    });
    this.consumerLag = new Gauge({
      name: name("consumer_lag_records"),
      help: "Records of the valid-readings topic not yet processed, per owned partition",
      labelNames: ["partition"],
      registers,
    });
    this.transactionAborts = new Counter({
      name: name("transaction_aborts_total"),
      help: "Transactions aborted (the batch is re-processed after a restore)",
      registers,
    });
    this.twins = new Gauge({ name: name("twins"), help: "Twins owned by this worker", registers });
  }

  /** Counts one estimate and its latency. */
  observe(estimate: StateEstimate, seconds: number): void {
    const twinClass = estimate.twinClassId === "" ? "none" : estimate.twinClassId;
    const status = (EstimateStatus[estimate.status] ?? "UNSPECIFIED").toLowerCase();
    this.readings.inc({ twin_class: twinClass, status });
    this.updateSeconds.observe({ twin_class: twinClass }, seconds);
    if (estimate.innovation !== undefined) this.nis.observe({ twin_class: twinClass }, estimate.innovation.nis);
    if (estimate.status !== EstimateStatus.OK) {
      const reason = estimate.statusReason.split(":")[0] ?? "";
      this.notAssimilated.inc({ twin_class: twinClass, status, reason });
    }
    const key = `${estimate.tenant}/${estimate.asset}`;
    if (this.#watch.has(key)) {
      estimate.variableNames.forEach((variable, i) => {
        this.watchedUncertainty.set({ asset: key, variable }, estimate.stdDev[i] ?? 0);
      });
    }
  }
}
