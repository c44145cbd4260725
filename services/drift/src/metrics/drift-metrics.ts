import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/**
 * The drift service's Prometheus metrics (`twinstate_drift_*`): drift events by detector algorithm and
 * severity, estimates processed (fed or skipped, by reason), time spent in the detectors per estimate,
 * restore time and records, suites held, aborted transactions.
 *
 * Why labels are algorithms, not detector instances or assets: label values stay bounded whatever the
 * number of twins (`cusum[3]` counts as `cusum`). Counters count processing attempts: an aborted transaction
 * re-processes its batch, so exactly-once holds on the topics, not on these counters.
 */
export class DriftMetrics {
  readonly events: Counter<"detector" | "severity">;
  readonly estimates: Counter<"outcome">;
  readonly detectorLatency: Histogram;
  readonly restoreSeconds: Histogram;
  readonly restoreRecords: Counter;
  readonly suites: Gauge;
  readonly aborts: Counter;
  readonly indexedEvents: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.events = new Counter({
      name: "twinstate_drift_events_total",
      help: "Drift events produced, by detector algorithm and severity",
      labelNames: ["detector", "severity"],
      registers,
    });
    this.estimates = new Counter({
      name: "twinstate_drift_estimates_processed_total",
      help: 'Estimates consumed: "fed" to a detector suite, or the reason they were skipped',
      labelNames: ["outcome"],
      registers,
    });
    this.detectorLatency = new Histogram({
      name: "twinstate_drift_detector_latency_seconds",
      help: "Time to run one estimate through its sensor's detector suite",
      buckets: [1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 1e-2],
      registers,
    });
    this.restoreSeconds = new Histogram({
      name: "twinstate_drift_restore_seconds",
      help: "Time to restore the detector suites of newly assigned partitions from drift.state.v1",
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
      registers,
    });
    this.restoreRecords = new Counter({
      name: "twinstate_drift_restore_records_total",
      help: "Changelog records read while restoring detector suites",
      registers,
    });
    this.suites = new Gauge({
      name: "twinstate_drift_suites",
      help: "Detector suites (one per twin and sensor) held by this worker",
      registers,
    });
    this.aborts = new Counter({
      name: "twinstate_drift_transactions_aborted_total",
      help: "Transactions aborted (their batch is re-processed after a restore)",
      registers,
    });
    this.indexedEvents = new Gauge({
      name: "twinstate_drift_indexed_events",
      help: "Drift events held in the in-memory query index",
      registers,
    });
  }
}
