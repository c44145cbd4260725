import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { ValidationOutcome } from "../validation/index.ts";
import { BoundedLabelValues } from "./bounded-label-values.ts";

/** Where a reading entered: the raw Kafka topic or the gRPC IngestService. */
export type IngestPath = "kafka" | "grpc";

/**
 * The ingest service's Prometheus metrics (`twinstate_ingest_*`): readings in, valid and rejected (by reason,
 * tenant and contract, with capped label values), a data-quality pass-rate gauge, validation latency and batch
 * sizes.
 *
 * Why counts are taken per outcome: an aborted Kafka transaction replays its batch, so these counters count
 * validation attempts; the conservation invariant is checked on the topics, not on metrics.
 */
export class IngestMetrics {
  readonly #in: Counter<"path">;
  readonly #valid: Counter<"path" | "tenant" | "contract">;
  readonly #rejected: Counter<"path" | "reason" | "tenant" | "contract">;
  readonly #passRate: Gauge<"tenant">;
  readonly #latency: Histogram<"path">;
  readonly #batchSize: Histogram<"path">;
  readonly #contractUpdates: Counter<"outcome">;
  readonly #oversizedReplaced: Counter<"topic">;
  readonly #tenants: BoundedLabelValues;
  readonly #contracts: BoundedLabelValues;
  /** Per tenant label: [valid, total] since start, for the pass-rate gauge. */
  readonly #quality = new Map<string, [number, number]>();
  #validAll = 0;
  #totalAll = 0;

  constructor(registry: Registry, maxLabelValues: number) {
    this.#tenants = new BoundedLabelValues(maxLabelValues);
    this.#contracts = new BoundedLabelValues(maxLabelValues);
    const registers = [registry];
    this.#in = new Counter({
      name: "twinstate_ingest_readings_in_total",
      help: "Raw readings received (Kafka or gRPC), each validated once per attempt",
      labelNames: ["path"],
      registers,
    });
    this.#valid = new Counter({
      name: "twinstate_ingest_readings_valid_total",
      help: "Readings that passed their data contract",
      labelNames: ["path", "tenant", "contract"],
      registers,
    });
    this.#rejected = new Counter({
      name: "twinstate_ingest_readings_rejected_total",
      help: "Readings dead-lettered, by stable reason code",
      labelNames: ["path", "reason", "tenant", "contract"],
      registers,
    });
    this.#passRate = new Gauge({
      name: "twinstate_ingest_data_quality_pass_ratio",
      help: 'Fraction of readings that passed validation since start (tenant "*" is all tenants)',
      labelNames: ["tenant"],
      registers,
      collect: () => this.#collectPassRate(),
    });
    this.#latency = new Histogram({
      name: "twinstate_ingest_validation_duration_seconds",
      help: "Time to validate one batch of readings, divided by its size (seconds per reading)",
      labelNames: ["path"],
      buckets: [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3],
      registers,
    });
    this.#batchSize = new Histogram({
      name: "twinstate_ingest_batch_readings",
      help: "Readings per validated batch (Kafka transaction chunk or gRPC batch)",
      labelNames: ["path"],
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2000, 5000],
      registers,
    });
    this.#contractUpdates = new Counter({
      name: "twinstate_ingest_contract_updates_total",
      help: "Contract records read from the contracts topic, by outcome (added, replaced, stale, removed, invalid)",
      labelNames: ["outcome"],
      registers,
    });
    this.#oversizedReplaced = new Counter({
      name: "twinstate_ingest_oversized_outputs_replaced_total",
      help: "Output records over the broker record limit replaced by a truncated TOO_LARGE dead letter, by topic",
      labelNames: ["topic"],
      registers,
    });
  }

  /** Counts one validation outcome. */
  outcome(path: IngestPath, o: ValidationOutcome): void {
    this.#in.inc({ path });
    const tenantRaw = o.accepted ? (o.reading.reading?.tenant ?? "") : o.record.tenant;
    const tenant = this.#tenants.of(tenantRaw);
    const contract = this.#contracts.of(o.type?.contractId ?? "");
    let q = this.#quality.get(tenant);
    if (q === undefined) this.#quality.set(tenant, (q = [0, 0]));
    q[1]++;
    this.#totalAll++;
    if (o.accepted) {
      q[0]++;
      this.#validAll++;
      this.#valid.inc({ path, tenant, contract });
    } else {
      this.#rejected.inc({ path, reason: o.reason, tenant, contract });
    }
  }

  /** Records one validated batch: its size and the validation time per reading. */
  batch(path: IngestPath, readings: number, seconds: number): void {
    if (readings === 0) return;
    this.#batchSize.observe({ path }, readings);
    this.#latency.observe({ path }, seconds / readings);
  }

  /** Counts a contract record read from the contracts topic. */
  contractUpdate(outcome: "added" | "replaced" | "stale" | "removed" | "invalid"): void {
    this.#contractUpdates.inc({ outcome });
  }

  /** Counts an oversized output record (on `topic`) replaced by a truncated TOO_LARGE dead letter. */
  oversizedOutputReplaced(topic: string): void {
    this.#oversizedReplaced.inc({ topic });
  }

  #collectPassRate(): void {
    this.#passRate.set({ tenant: "*" }, this.#totalAll === 0 ? 1 : this.#validAll / this.#totalAll);
    for (const [tenant, [valid, total]] of this.#quality) this.#passRate.set({ tenant }, valid / total);
  }
}
