/**
 * twinstate's Grafana dashboards as data: data quality, twin health, drift and alerts, pipeline. Every query
 * uses only metric names the services register (test/deploy/dashboards.test.ts greps the sources); the
 * generated JSON lives in deploy/grafana/dashboards (scripts/promtool/generate-dashboards.ts) and each panel's
 * meaning is explained in docs/OPERATIONS.md ("Dashboards").
 *
 * Chi-square references (NIS of a consistent filter with a scalar measurement, m = 1): the 2.5 % and 97.5 %
 * quantiles 0.000982 and 5.024, the 95 % quantile 3.841, the mean m = 1, P(nis > 5) = 0.0254.
 */
import type { DashboardSpec } from "./grafana-model.ts";

const R = "$__rate_interval";
const TC = 'twin_class=~"$twin_class"';

/** Data quality: what ingest accepts and why it rejects. */
const dataQuality: DashboardSpec = {
  uid: "twinstate-data-quality",
  title: "twinstate / Data quality",
  description:
    "Validation of raw telemetry by the ingest service: pass rate, rejections by reason, tenant and contract.",
  variables: [],
  rows: [
    {
      title: "Pass rate",
      panels: [
        {
          kind: "stat",
          title: "Pass rate (5m)",
          description:
            "Valid readings / readings validated over the last 5 minutes, all tenants. Below 95% the TwinstateDeadLetterRateHigh alert fires.",
          queries: [
            {
              expr: "sum(rate(twinstate_ingest_readings_valid_total[5m])) / sum(rate(twinstate_ingest_readings_in_total[5m]))",
              legend: "pass rate",
            },
          ],
          unit: "percentunit",
          width: 6,
          thresholds: [],
          min: 0,
          max: 1,
        },
        {
          kind: "stat",
          title: "Dead-lettered readings/s",
          description: "Readings sent to telemetry.dlq.v1 per second (all reasons). 0 is normal.",
          queries: [
            { expr: "sum(rate(twinstate_ingest_readings_rejected_total[5m])) or vector(0)", legend: "rejected/s" },
          ],
          unit: "reqps",
          width: 6,
          thresholds: [[0.01, "orange"]],
        },
        {
          kind: "timeseries",
          title: "Pass rate since start by tenant",
          description:
            "twinstate_ingest_data_quality_pass_ratio: the fraction of a tenant's readings that passed since the ingest process started (tenant * = all). Worst instance shown.",
          queries: [{ expr: "min by (tenant) (twinstate_ingest_data_quality_pass_ratio)", legend: "{{tenant}}" }],
          unit: "percentunit",
          min: 0,
          max: 1,
        },
      ],
    },
    {
      title: "Throughput and rejections",
      panels: [
        {
          kind: "timeseries",
          title: "Readings validated by path",
          description:
            "Raw readings validated per second, from the Kafka topic (kafka) or the gRPC IngestService (grpc).",
          queries: [{ expr: `sum by (path) (rate(twinstate_ingest_readings_in_total[${R}]))`, legend: "{{path}}" }],
          unit: "reqps",
        },
        {
          kind: "timeseries",
          title: "Valid readings by tenant",
          description:
            "Readings per second that passed their data contract, by tenant (label values capped; the rest count as other).",
          queries: [
            { expr: `sum by (tenant) (rate(twinstate_ingest_readings_valid_total[${R}]))`, legend: "{{tenant}}" },
          ],
          unit: "reqps",
          stacked: true,
        },
        {
          kind: "timeseries",
          title: "Rejections by reason",
          description:
            "Dead-lettered readings per second by stable reason code (OUT_OF_RANGE, UNIT_MISMATCH, TIMESTAMP_SKEW, DUPLICATE, RATE_LIMITED, ...). A new reason appearing after a deploy usually means a contract or producer change.",
          queries: [
            { expr: `sum by (reason) (rate(twinstate_ingest_readings_rejected_total[${R}]))`, legend: "{{reason}}" },
          ],
          unit: "reqps",
          stacked: true,
          bars: true,
        },
        {
          kind: "bargauge",
          title: "Top rejections by contract and reason (range)",
          description:
            "Rejected readings over the dashboard's time range, the ten largest (contract, reason) pairs: where to look first.",
          queries: [
            {
              expr: "topk(10, sum by (contract, reason) (increase(twinstate_ingest_readings_rejected_total[$__range])))",
              legend: "{{contract}} {{reason}}",
              instant: true,
            },
          ],
          unit: "short",
        },
      ],
    },
    {
      title: "Validation cost",
      panels: [
        {
          kind: "timeseries",
          title: "Validation time per reading",
          description: "Percentiles of the time to validate one reading (batch time / batch size).",
          queries: [
            {
              expr: `histogram_quantile(0.5, sum by (le) (rate(twinstate_ingest_validation_duration_seconds_bucket[${R}])))`,
              legend: "p50",
            },
            {
              expr: `histogram_quantile(0.99, sum by (le) (rate(twinstate_ingest_validation_duration_seconds_bucket[${R}])))`,
              legend: "p99",
            },
          ],
          unit: "s",
        },
        {
          kind: "timeseries",
          title: "Batch size",
          description:
            "Median and p99 readings per validated batch (Kafka transaction chunk or gRPC batch). Small batches under load mean the input is trickling.",
          queries: [
            {
              expr: `histogram_quantile(0.5, sum by (le, path) (rate(twinstate_ingest_batch_readings_bucket[${R}])))`,
              legend: "p50 {{path}}",
            },
            {
              expr: `histogram_quantile(0.99, sum by (le, path) (rate(twinstate_ingest_batch_readings_bucket[${R}])))`,
              legend: "p99 {{path}}",
            },
          ],
          unit: "short",
        },
        {
          kind: "bargauge",
          title: "Contract updates (range)",
          description:
            "Records read from ingest.contracts.v1 over the range, by outcome (added, replaced, stale, removed, invalid). invalid > 0 means a published contract was refused.",
          queries: [
            {
              expr: "sum by (outcome) (increase(twinstate_ingest_contract_updates_total[$__range])) or vector(0)",
              legend: "{{outcome}}",
              instant: true,
            },
          ],
          unit: "short",
          width: 24,
          height: 6,
        },
      ],
    },
  ],
};

/** Twin health: is each class's filter consistent, and how uncertain are its states. */
const twinHealth: DashboardSpec = {
  uid: "twinstate-twin-health",
  title: "twinstate / Twin health",
  description:
    "Filter health of the assimilation service per twin class: NIS against its chi-square band, innovation distribution, per-variable uncertainty bands, statuses and quarantine.",
  variables: [
    {
      name: "twin_class",
      label: "Twin class",
      query: "label_values(twinstate_assimilation_readings_processed_total, twin_class)",
    },
    {
      name: "variable",
      label: "State variable",
      query: "label_values(twinstate_assimilation_uncertainty_std_mean, variable)",
    },
  ],
  rows: [
    {
      title: "Consistency (NIS)",
      panels: [
        {
          kind: "timeseries",
          title: "NIS p50 / p95 against the chi-square band (m = 1)",
          description:
            "Percentiles of the normalized innovation squared nis = νᵀ S⁻¹ ν of the updates. For a consistent filter with a scalar sensor nis ~ χ²₁: the green band is its 2.5 %–97.5 % range (0.001–5.02), p50 should sit near 0.45 and p95 near 3.84 (dashed). p95 far above: Q or R too small (overconfident); p50 far below: too large.",
          queries: [
            {
              expr: `histogram_quantile(0.5, sum by (le, twin_class) (rate(twinstate_assimilation_nis_bucket{${TC}}[${R}])))`,
              legend: "p50 {{twin_class}}",
            },
            {
              expr: `histogram_quantile(0.95, sum by (le, twin_class) (rate(twinstate_assimilation_nis_bucket{${TC}}[${R}])))`,
              legend: "p95 {{twin_class}}",
            },
            { expr: "vector(5.024)", legend: "χ²₁ 97.5%" },
            { expr: "vector(0.000982)", legend: "χ²₁ 2.5%" },
            { expr: "vector(3.841)", legend: "χ²₁ 95%" },
          ],
          unit: "short",
          bands: [{ upper: "χ²₁ 97.5%", lower: "χ²₁ 2.5%" }],
          referenceLines: ["χ²₁ 95%"],
          min: 0,
        },
        {
          kind: "timeseries",
          title: "Mean NIS and share above 5",
          description:
            "Mean NIS (expected m = 1 for a scalar sensor) and the share of updates with nis > 5 (expected 2.5 %). A share well above 2.5 % means innovations larger than the filter predicts: drift, a wrong model or an overconfident R.",
          queries: [
            {
              expr: `sum by (twin_class) (rate(twinstate_assimilation_nis_sum{${TC}}[${R}])) / sum by (twin_class) (rate(twinstate_assimilation_nis_count{${TC}}[${R}]))`,
              legend: "mean {{twin_class}}",
            },
            {
              expr: `1 - sum by (twin_class) (rate(twinstate_assimilation_nis_bucket{${TC}, le="5"}[${R}])) / sum by (twin_class) (rate(twinstate_assimilation_nis_count{${TC}}[${R}]))`,
              legend: "share > 5 {{twin_class}}",
            },
            { expr: "vector(1)", legend: "expected mean" },
          ],
          unit: "short",
          referenceLines: ["expected mean"],
          min: 0,
        },
        {
          kind: "heatmap",
          title: "Innovation distribution (NIS histogram)",
          description:
            "Where the innovations of all selected classes fall, per NIS bucket over time. Mass creeping into the top buckets (> 10) precedes gating and drift events.",
          queries: [
            {
              expr: `sum by (le) (rate(twinstate_assimilation_nis_bucket{${TC}}[${R}]))`,
              legend: "{{le}}",
              format: "heatmap",
            },
          ],
          unit: "short",
          width: 24,
        },
      ],
    },
    {
      title: "Uncertainty",
      panels: [
        {
          kind: "timeseries",
          title: "Posterior ±σ of $variable",
          description:
            "Mean posterior standard deviation of the state variable over the selected classes' twins, drawn as a band from −σ to +σ centred on 0 (its width is the uncertainty, in the variable's unit; the estimates themselves are per asset and not metrics). A widening band means readings are missing or being gated (predict-only steps grow P); a band collapsing to zero means Q is too small.",
          queries: [
            {
              expr: `avg(twinstate_assimilation_uncertainty_std_mean{${TC}, variable=~"$variable"})`,
              legend: "+σ",
            },
            {
              expr: `-avg(twinstate_assimilation_uncertainty_std_mean{${TC}, variable=~"$variable"})`,
              legend: "−σ",
            },
          ],
          unit: "short",
          bands: [{ upper: "+σ", lower: "−σ", color: "blue" }],
          repeat: "variable",
          width: 8,
        },
        {
          kind: "timeseries",
          title: "Posterior σ of watch-listed assets",
          description:
            "Standard deviation per variable of the assets in ASSIMILATION_WATCH_LIST (only those get per-asset series, to bound cardinality).",
          queries: [
            {
              expr: "twinstate_assimilation_watched_uncertainty_std",
              legend: "{{asset}} {{variable}}",
            },
          ],
          unit: "short",
          width: 24,
        },
      ],
    },
    {
      title: "Status",
      panels: [
        {
          kind: "stat",
          title: "Quarantined twins",
          description:
            "Twins whose filter failed numerically and publish nothing until reset (TwinstateTwinsQuarantined).",
          queries: [{ expr: "sum(twinstate_assimilation_quarantined_twins)", legend: "quarantined" }],
          unit: "short",
          width: 6,
          thresholds: [[1, "red"]],
        },
        {
          kind: "stat",
          title: "Twins",
          description: "Twins held by the assimilation workers (sum over workers: each twin lives on exactly one).",
          queries: [{ expr: "sum(twinstate_assimilation_twins)", legend: "twins" }],
          unit: "short",
          width: 6,
        },
        {
          kind: "timeseries",
          title: "Estimates by status",
          description: "Estimates per second by status (ok, gated, rejected, quarantined, ...), per class.",
          queries: [
            {
              expr: `sum by (twin_class, status) (rate(twinstate_assimilation_readings_processed_total{${TC}}[${R}]))`,
              legend: "{{twin_class}} {{status}}",
            },
          ],
          unit: "reqps",
          stacked: true,
        },
        {
          kind: "timeseries",
          title: "Readings not assimilated by reason",
          description:
            "Readings gated (NIS above the sensor's chi-square gate), rejected or refused by quarantine, by reason code.",
          queries: [
            {
              expr: `sum by (status, reason) (rate(twinstate_assimilation_measurements_not_assimilated_total{${TC}}[${R}])) or vector(0)`,
              legend: "{{status}} {{reason}}",
            },
          ],
          unit: "reqps",
          stacked: true,
          bars: true,
        },
        {
          kind: "timeseries",
          title: "Update time per reading",
          description: "p50 and p99 time to turn one reading into its estimate (predict + update), per class.",
          queries: [
            {
              expr: `histogram_quantile(0.5, sum by (le, twin_class) (rate(twinstate_assimilation_update_duration_seconds_bucket{${TC}}[${R}])))`,
              legend: "p50 {{twin_class}}",
            },
            {
              expr: `histogram_quantile(0.99, sum by (le, twin_class) (rate(twinstate_assimilation_update_duration_seconds_bucket{${TC}}[${R}])))`,
              legend: "p99 {{twin_class}}",
            },
          ],
          unit: "s",
          width: 24,
        },
      ],
    },
  ],
};

/** Drift and alerts: what the detectors find and what the alerting service does with it. */
const driftAlerts: DashboardSpec = {
  uid: "twinstate-drift-alerts",
  title: "twinstate / Drift and alerts",
  description: "Drift events by detector and severity, detector cost, alerts firing and notification delivery.",
  variables: [],
  rows: [
    {
      title: "Drift",
      panels: [
        {
          kind: "timeseries",
          title: "Drift events by detector",
          description: "Drift events per minute by detector algorithm (cusum, page_hinkley, noise_level, ...).",
          queries: [
            {
              expr: `sum by (detector) (rate(twinstate_drift_events_total[${R}])) * 60`,
              legend: "{{detector}}",
            },
          ],
          unit: "short",
          stacked: true,
          bars: true,
        },
        {
          kind: "timeseries",
          title: "Drift events per estimate by detector",
          description:
            "Drift events divided by the estimates fed to the detectors, per algorithm. Above 1 % for 15 minutes TwinstateDriftEventStorm fires: a storm, or detectors calibrated for another noise level.",
          queries: [
            {
              expr: `sum by (detector) (rate(twinstate_drift_events_total[${R}])) / ignoring (detector) group_left sum(rate(twinstate_drift_estimates_processed_total{outcome="fed"}[${R}]))`,
              legend: "{{detector}}",
            },
            { expr: "vector(0.01)", legend: "storm threshold" },
          ],
          unit: "percentunit",
          referenceLines: ["storm threshold"],
        },
        {
          kind: "bargauge",
          title: "Drift events by severity (range)",
          description: "Drift events over the dashboard's range by severity.",
          queries: [
            {
              expr: "sum by (severity) (increase(twinstate_drift_events_total[$__range]))",
              legend: "{{severity}}",
              instant: true,
            },
          ],
          unit: "short",
        },
        {
          kind: "timeseries",
          title: "Estimates seen by the detectors",
          description:
            "Estimates per second fed to a detector suite (fed) or skipped, by reason (gated, quarantined, rejected, ...).",
          queries: [
            {
              expr: `sum by (outcome) (rate(twinstate_drift_estimates_processed_total[${R}]))`,
              legend: "{{outcome}}",
            },
          ],
          unit: "reqps",
          stacked: true,
        },
        {
          kind: "timeseries",
          title: "Detector time per estimate",
          description: "p50 and p99 time to run one estimate through its sensor's detector suite.",
          queries: [
            {
              expr: `histogram_quantile(0.5, sum by (le) (rate(twinstate_drift_detector_latency_seconds_bucket[${R}])))`,
              legend: "p50",
            },
            {
              expr: `histogram_quantile(0.99, sum by (le) (rate(twinstate_drift_detector_latency_seconds_bucket[${R}])))`,
              legend: "p99",
            },
          ],
          unit: "s",
        },
        {
          kind: "stat",
          title: "Detector suites",
          description: "Detector suites (one per twin and sensor) held by the drift workers.",
          queries: [{ expr: "sum(twinstate_drift_suites)", legend: "suites" }],
          unit: "short",
          width: 6,
        },
        {
          kind: "stat",
          title: "Indexed drift events",
          description:
            "Drift events in the in-memory index that ListDriftEvents answers from (capped by DRIFT_INDEX_CAPACITY).",
          queries: [{ expr: "sum(twinstate_drift_indexed_events)", legend: "events" }],
          unit: "short",
          width: 6,
        },
      ],
    },
    {
      title: "Alerts",
      panels: [
        {
          kind: "stat",
          title: "Alerts firing",
          description: "Alerts firing now, all rules.",
          queries: [{ expr: "sum(twinstate_alerting_alerts_firing)", legend: "firing" }],
          unit: "short",
          width: 6,
          thresholds: [[1, "orange"]],
        },
        {
          kind: "bargauge",
          title: "Active alerts by rule",
          description: "Alerts firing now by rule and severity (every loaded rule is listed, 0 when quiet).",
          queries: [
            {
              expr: "sum by (rule, severity) (twinstate_alerting_alerts_firing)",
              legend: "{{rule}} ({{severity}})",
              instant: true,
            },
          ],
          unit: "short",
          width: 18,
          thresholds: [[1, "orange"]],
        },
        {
          kind: "timeseries",
          title: "Alert transitions",
          description: "Alert state changes committed to twin.alerts.v1 per minute, by kind (firing, resolved).",
          queries: [
            {
              expr: `sum by (kind) (rate(twinstate_alerting_transitions_total[${R}])) * 60 or vector(0)`,
              legend: "{{kind}}",
            },
          ],
          unit: "short",
          bars: true,
        },
        {
          kind: "timeseries",
          title: "Alerting inputs by source",
          description: "Drift events and estimates evaluated by the alert rules per second.",
          queries: [{ expr: `sum by (source) (rate(twinstate_alerting_inputs_total[${R}]))`, legend: "{{source}}" }],
          unit: "reqps",
        },
      ],
    },
    {
      title: "Notifications",
      panels: [
        {
          kind: "timeseries",
          title: "Notifications by route",
          description: "Delivered, failed and retried notifications per second, per route (alertmanager, webhooks).",
          queries: [
            {
              expr: `sum by (route) (rate(twinstate_alerting_notifications_sent_total[${R}]))`,
              legend: "sent {{route}}",
            },
            {
              expr: `sum by (route) (rate(twinstate_alerting_notifications_failed_total[${R}]))`,
              legend: "failed {{route}}",
            },
            {
              expr: `sum by (route) (rate(twinstate_alerting_notifications_retried_total[${R}]))`,
              legend: "retried {{route}}",
            },
          ],
          unit: "reqps",
        },
        {
          kind: "timeseries",
          title: "Queue depth and drops by route",
          description:
            "Notifications waiting or in flight per route, and notifications dropped because the bounded queue was full (must stay 0: TwinstateAlertNotificationsDropped).",
          queries: [
            { expr: "sum by (route) (twinstate_alerting_queue_depth)", legend: "queued {{route}}" },
            {
              expr: "sum by (route) (increase(twinstate_alerting_notifications_dropped_total[5m]))",
              legend: "dropped/5m {{route}}",
            },
          ],
          unit: "short",
        },
      ],
    },
  ],
};

/** Pipeline: is data flowing, how far behind, how fast, and how costly are restarts. */
const pipeline: DashboardSpec = {
  uid: "twinstate-pipeline",
  title: "twinstate / Pipeline",
  description:
    "Throughput per stage, consumer lag, latency percentiles, Kafka transactions and aborts, restore times and process health.",
  variables: [],
  rows: [
    {
      title: "Flow",
      panels: [
        {
          kind: "stat",
          title: "Services up",
          description:
            "Scrape targets of the four services that answered the last scrape (TwinstateServiceDown when 0 for 2 minutes).",
          queries: [{ expr: 'sum by (job) (up{job=~"twinstate-.*"})', legend: "{{job}}", instant: true }],
          unit: "short",
          width: 24,
          height: 4,
          thresholds: [],
        },
        {
          kind: "timeseries",
          title: "Throughput per stage",
          description:
            "Records per second through each stage: raw readings validated (ingest), estimates produced (assimilation), estimates evaluated (drift), inputs evaluated (alerting). In steady state ingest ≥ assimilation = drift.",
          queries: [
            { expr: `sum(rate(twinstate_ingest_readings_in_total[${R}]))`, legend: "ingest" },
            { expr: `sum(rate(twinstate_assimilation_readings_processed_total[${R}]))`, legend: "assimilation" },
            { expr: `sum(rate(twinstate_drift_estimates_processed_total[${R}]))`, legend: "drift" },
            { expr: `sum(rate(twinstate_alerting_inputs_total[${R}]))`, legend: "alerting" },
          ],
          unit: "reqps",
        },
        {
          kind: "timeseries",
          title: "Consumer lag",
          description:
            "Records behind the high watermark, summed over partitions, per service and topic (Kafka seam), and assimilation's own lag monitor on telemetry.valid.v1. Growing lag with flat throughput: scale out (up to the partition count) or find the slow stage.",
          queries: [
            {
              expr: "sum by (service, topic) (twinstate_kafka_consumer_lag_messages)",
              legend: "{{service}} {{topic}}",
            },
            { expr: "sum(twinstate_assimilation_consumer_lag_records)", legend: "assimilation (lag monitor)" },
          ],
          unit: "short",
        },
      ],
    },
    {
      title: "Latency",
      panels: [
        {
          kind: "timeseries",
          title: "Kafka transaction duration",
          description:
            "p50 and p99 of one transaction (handler, produce, sendOffsets, commit) per consumer group: the floor of end-to-end latency per stage.",
          queries: [
            {
              expr: `histogram_quantile(0.5, sum by (le, group) (rate(twinstate_kafka_transaction_duration_seconds_bucket[${R}])))`,
              legend: "p50 {{group}}",
            },
            {
              expr: `histogram_quantile(0.99, sum by (le, group) (rate(twinstate_kafka_transaction_duration_seconds_bucket[${R}])))`,
              legend: "p99 {{group}}",
            },
          ],
          unit: "s",
        },
        {
          kind: "timeseries",
          title: "Processing time per record (p99)",
          description:
            "p99 compute time per record in each stage: validation (ingest), predict + update (assimilation), detectors (drift).",
          queries: [
            {
              expr: `histogram_quantile(0.99, sum by (le) (rate(twinstate_ingest_validation_duration_seconds_bucket[${R}])))`,
              legend: "ingest validation",
            },
            {
              expr: `histogram_quantile(0.99, sum by (le) (rate(twinstate_assimilation_update_duration_seconds_bucket[${R}])))`,
              legend: "assimilation update",
            },
            {
              expr: `histogram_quantile(0.99, sum by (le) (rate(twinstate_drift_detector_latency_seconds_bucket[${R}])))`,
              legend: "drift detectors",
            },
          ],
          unit: "s",
        },
      ],
    },
    {
      title: "Transactions and restores",
      panels: [
        {
          kind: "timeseries",
          title: "Transaction aborts",
          description:
            "Aborted Kafka transactions per second: the seam's count per group, and the services' own counters. Each abort re-processes its batch after a restore (exactly-once holds; throughput suffers). TwinstateTransactionAborts above 0.05/s.",
          queries: [
            {
              expr: `sum by (group) (rate(twinstate_kafka_transactions_total{outcome="aborted"}[${R}]))`,
              legend: "{{group}}",
            },
            { expr: `sum(rate(twinstate_assimilation_transaction_aborts_total[${R}]))`, legend: "assimilation" },
            { expr: `sum(rate(twinstate_drift_transactions_aborted_total[${R}]))`, legend: "drift" },
          ],
          unit: "reqps",
        },
        {
          kind: "timeseries",
          title: "Transactions committed",
          description: "Committed Kafka transactions and the input messages they committed, per second and group.",
          queries: [
            {
              expr: `sum by (group) (rate(twinstate_kafka_transactions_total{outcome="committed"}[${R}]))`,
              legend: "transactions {{group}}",
            },
            {
              expr: `sum by (group) (rate(twinstate_kafka_messages_processed_total[${R}]))`,
              legend: "messages {{group}}",
            },
          ],
          unit: "reqps",
        },
        {
          kind: "timeseries",
          title: "Restore time (mean since start)",
          description:
            "Mean time to restore state for newly assigned partitions from the changelog topics (twin.state.v1, drift.state.v1), per worker. Restores happen at start and on every rebalance; long restores mean large changelogs (check compaction).",
          queries: [
            {
              expr: "twinstate_assimilation_restore_duration_seconds_sum / twinstate_assimilation_restore_duration_seconds_count",
              legend: "assimilation {{instance}}",
            },
            {
              expr: "twinstate_drift_restore_seconds_sum / twinstate_drift_restore_seconds_count",
              legend: "drift {{instance}}",
            },
            {
              expr: "sum by (group) (twinstate_kafka_restore_duration_seconds_sum) / sum by (group) (twinstate_kafka_restore_duration_seconds_count)",
              legend: "seam {{group}}",
            },
          ],
          unit: "s",
        },
        {
          kind: "timeseries",
          title: "Changelog records restored",
          description: "Changelog records read while restoring, per minute.",
          queries: [
            { expr: `sum(rate(twinstate_assimilation_restore_records_total[${R}])) * 60`, legend: "assimilation" },
            { expr: `sum(rate(twinstate_drift_restore_records_total[${R}])) * 60`, legend: "drift" },
          ],
          unit: "short",
        },
        {
          kind: "timeseries",
          title: "Poison messages dead-lettered",
          description:
            "Messages the Kafka seam could not process and sent to a dead-letter topic, per minute, by service and topic (TwinstatePoisonMessages).",
          queries: [
            {
              expr: `sum by (service, topic) (rate(twinstate_kafka_dead_letters_total[${R}])) * 60 or vector(0)`,
              legend: "{{service}} {{topic}}",
            },
          ],
          unit: "short",
          width: 24,
        },
      ],
    },
    {
      title: "Processes",
      panels: [
        {
          kind: "timeseries",
          title: "CPU",
          description: "CPU seconds per second per service instance (1 = one core).",
          queries: [
            {
              expr: `sum by (service, instance) (rate(twinstate_process_cpu_seconds_total[${R}]))`,
              legend: "{{service}} {{instance}}",
            },
          ],
          unit: "short",
          width: 8,
        },
        {
          kind: "timeseries",
          title: "Resident memory",
          description: "Resident set size per service instance.",
          queries: [{ expr: "twinstate_process_resident_memory_bytes", legend: "{{service}} {{instance}}" }],
          unit: "bytes",
          width: 8,
        },
        {
          kind: "timeseries",
          title: "Event loop lag p99",
          description:
            "Node.js event-loop delay p99 per instance: above ~100 ms the process is CPU-bound and Kafka heartbeats or gRPC calls suffer.",
          queries: [{ expr: "twinstate_nodejs_eventloop_lag_p99_seconds", legend: "{{service}} {{instance}}" }],
          unit: "s",
          width: 8,
        },
      ],
    },
  ],
};

/** Every dashboard, written to deploy/grafana/dashboards/<uid>.json. */
export const dashboards: readonly DashboardSpec[] = [dataQuality, twinHealth, driftAlerts, pipeline];
