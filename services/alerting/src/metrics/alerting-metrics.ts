import { metricName } from "@twinstate/runtime";
import { Counter, Gauge, type Registry } from "prom-client";
import type { AlertEngine } from "../engine/alert-engine.ts";
import type { RetryQueueEvents } from "../routes/retry-queue.ts";

const name = (n: string) => metricName(`alerting_${n}`);

/**
 * The alerting service's Prometheus metrics (`twinstate_alerting_` prefix). Series are labelled by rule,
 * severity and route (closed sets from configuration), never by tenant or asset.
 *
 * `twinstate_alerting_notifications_dropped_total` must stay 0: it only grows when a route's bounded queue is
 * full (the receiver has been failing for long enough to fill it).
 */
export class AlertingMetrics {
  readonly alertsFiring: Gauge<"rule" | "severity">;
  readonly transitions: Counter<"kind">;
  readonly inputs: Counter<"source">;
  readonly sent: Counter<"route">;
  readonly failed: Counter<"route">;
  readonly retried: Counter<"route">;
  readonly dropped: Counter<"route">;
  readonly queueDepth: Gauge<"route">;

  constructor(registry: Registry, engine?: AlertEngine) {
    const registers = [registry];
    this.alertsFiring = new Gauge({
      name: name("alerts_firing"),
      help: "Alerts currently firing on this worker, by rule and severity",
      labelNames: ["rule", "severity"],
      registers,
      collect() {
        if (engine === undefined) return;
        this.reset();
        for (const rule of engine.rules.values()) this.set({ rule: rule.id, severity: rule.severity }, 0);
        for (const alert of engine.alerts()) {
          if (alert.phase === "firing") this.inc({ rule: alert.ruleId, severity: alert.labels.severity ?? "" });
        }
      },
    });
    this.transitions = new Counter({
      name: name("transitions_total"),
      help: "Alert transitions committed to the alerts topic, by kind (firing, resolved)",
      labelNames: ["kind"],
      registers,
    });
    this.inputs = new Counter({
      name: name("inputs_total"),
      help: "Input records evaluated, by source topic role (drift, estimates)",
      labelNames: ["source"],
      registers,
    });
    this.sent = new Counter({
      name: name("notifications_sent_total"),
      help: "Notifications delivered, by route",
      labelNames: ["route"],
      registers,
    });
    this.failed = new Counter({
      name: name("notifications_failed_total"),
      help: "Delivery attempts that failed, by route",
      labelNames: ["route"],
      registers,
    });
    this.retried = new Counter({
      name: name("notifications_retried_total"),
      help: "Retries scheduled after a failed delivery, by route",
      labelNames: ["route"],
      registers,
    });
    this.dropped = new Counter({
      name: name("notifications_dropped_total"),
      help: "Notifications dropped because the route's bounded queue was full (must stay 0)",
      labelNames: ["route"],
      registers,
    });
    this.queueDepth = new Gauge({
      name: name("queue_depth"),
      help: "Notifications waiting or in flight, by route",
      labelNames: ["route"],
      registers,
    });
  }

  /** Queue events of one route, feeding the per-route series. */
  queueEvents(route: string): RetryQueueEvents {
    this.sent.inc({ route }, 0);
    this.failed.inc({ route }, 0);
    this.retried.inc({ route }, 0);
    this.dropped.inc({ route }, 0);
    this.queueDepth.set({ route }, 0);
    return {
      sent: (count) => this.sent.inc({ route }, count),
      failed: () => this.failed.inc({ route }),
      retried: () => this.retried.inc({ route }),
      dropped: () => this.dropped.inc({ route }),
      depth: (depth) => this.queueDepth.set({ route }, depth),
    };
  }
}
