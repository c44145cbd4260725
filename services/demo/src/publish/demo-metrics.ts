import { Counter, Gauge, type Registry } from "prom-client";
import type { AssetSimulator } from "../simulation/asset-simulator.ts";
import type { OutgoingReading } from "../simulation/demo-fleet.ts";

/**
 * The demo generator's Prometheus metrics (`twinstate_demo_*`): records published by twin class and kind
 * (good, late, each bad-input kind), publish failures, and the faults in force by class and fault kind.
 *
 * Why: comparing what the demo injected with what ingest dead-lettered and drift detected is the quickest
 * sanity check of the whole pipeline on a dashboard.
 */
export class DemoMetrics {
  readonly #published: Counter<"twin_class" | "kind">;
  readonly #failed: Counter;
  readonly #faults: Gauge<"twin_class" | "fault">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#published = new Counter({
      name: "twinstate_demo_readings_published_total",
      help: "Records the demo published to the raw telemetry topic, by twin class and kind (good, late, bad input)",
      labelNames: ["twin_class", "kind"],
      registers,
    });
    this.#failed = new Counter({
      name: "twinstate_demo_publish_failures_total",
      help: "Ticks whose records could not be published (the records are dropped)",
      registers,
    });
    this.#faults = new Gauge({
      name: "twinstate_demo_faults_active",
      help: "Assets whose primary sensor currently has an injected fault, by twin class and fault kind",
      labelNames: ["twin_class", "fault"],
      registers,
    });
  }

  /** Counts one tick's published records. */
  published(records: readonly OutgoingReading[]): void {
    for (const r of records) this.#published.inc({ twin_class: r.twinClass, kind: r.kind });
  }

  /** Counts a failed publish. */
  failed(): void {
    this.#failed.inc();
  }

  /** Sets the active-fault gauge from the assets. */
  faults(assets: readonly AssetSimulator[]): void {
    this.#faults.reset();
    for (const a of assets) {
      const f = a.fault;
      if (f !== undefined) this.#faults.inc({ twin_class: a.profile.twinClass, fault: f.kind });
    }
  }
}
