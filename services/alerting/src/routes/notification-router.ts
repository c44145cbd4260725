import { createHash } from "node:crypto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { type Alert, AlertState } from "@twinstate/proto";
import type { Logger } from "@twinstate/runtime";
import type { AlertingMetrics } from "../metrics/alerting-metrics.ts";
import type { AlertmanagerClient } from "./alertmanager-client.ts";
import { toAlertmanagerAlert } from "./alertmanager-client.ts";
import type { BackoffOptions } from "./backoff-schedule.ts";
import { RetryQueue } from "./retry-queue.ts";
import type { WebhookAlert, WebhookClient, WebhookNotification } from "./webhook-client.ts";

/** The Alertmanager route's settings. */
export interface AlertmanagerRouteOptions {
  readonly client: AlertmanagerClient;
  /** Firing alerts are re-sent this often (ms); Alertmanager expires alerts that are not. Default 60 s. */
  readonly resendIntervalMs?: number;
  readonly generatorURL?: string;
  readonly capacity?: number;
}

/** One webhook route's settings. */
export interface WebhookRouteOptions {
  readonly client: WebhookClient;
  readonly capacity?: number;
}

/** Options of {@link NotificationRouter}. */
export interface NotificationRouterOptions {
  readonly alertmanager?: AlertmanagerRouteOptions;
  readonly webhooks: readonly WebhookRouteOptions[];
  /** The labels an alert is grouped by (the engine's `groupLabels`). */
  readonly groupLabels: (labels: Readonly<Record<string, string>>) => Record<string, string>;
  /** Whether a silence matches the alert now (silenced firing alerts are not notified). */
  readonly isSilenced: (alert: Alert, nowMs: number) => boolean;
  readonly logger: Logger;
  readonly metrics?: AlertingMetrics;
  readonly backoff?: BackoffOptions;
  readonly now?: () => number;
}

/**
 * Fans committed alert transitions out to the notification routes, each behind its own {@link RetryQueue}:
 * Alertmanager (all alerts of a batch in one `POST /api/v2/alerts`, queued alerts coalesced per fingerprint,
 * firing ones re-sent every `resendIntervalMs`) and webhooks (one notification per group of transitions).
 *
 * `route(alerts, done)` calls `done` once every route has settled every item of the batch (delivered, or
 * dropped on a full queue), which is when the feed may commit the batch's offsets.
 */
export class NotificationRouter {
  readonly #o: NotificationRouterOptions;
  readonly #now: () => number;
  readonly #am: RetryQueue<Alert> | undefined;
  readonly #hooks: { readonly client: WebhookClient; readonly queue: RetryQueue<WebhookNotification> }[];
  readonly #firing = new Map<string, Alert>();
  #resendTimer: NodeJS.Timeout | undefined;

  constructor(options: NotificationRouterOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    const am = options.alertmanager;
    if (am !== undefined) {
      const validForMs = 4 * (am.resendIntervalMs ?? 60_000);
      this.#am = new RetryQueue<Alert>({
        capacity: am.capacity ?? 10_000,
        maxBatch: 500,
        ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
        ...(options.metrics === undefined ? {} : { events: this.#events("alertmanager") }),
        send: (alerts) =>
          am.client.postAlerts(
            alerts.map((a) =>
              toAlertmanagerAlert(a, {
                nowMs: this.#now(),
                validForMs,
                ...(am.generatorURL === undefined ? {} : { generatorURL: am.generatorURL }),
              }),
            ),
          ),
      });
    }
    this.#hooks = options.webhooks.map((w) => ({
      client: w.client,
      queue: new RetryQueue<WebhookNotification>({
        capacity: w.capacity ?? 10_000,
        maxBatch: 1,
        ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
        ...(options.metrics === undefined ? {} : { events: this.#events(w.client.name) }),
        send: (notifications, attempt) => w.client.send(notifications[0]!, attempt),
      }),
    }));
  }

  /** Starts the periodic Alertmanager re-send of firing alerts. */
  start(): void {
    const interval = this.#o.alertmanager?.resendIntervalMs ?? 60_000;
    if (this.#am === undefined || this.#resendTimer !== undefined) return;
    this.#resendTimer = setInterval(() => this.resendFiring(), interval);
    this.#resendTimer.unref();
  }

  /** Stops re-sending and retrying (undelivered items stay uncommitted upstream and are re-delivered later). */
  stop(): void {
    if (this.#resendTimer !== undefined) clearInterval(this.#resendTimer);
    this.#resendTimer = undefined;
    this.#am?.stop();
    for (const h of this.#hooks) h.queue.stop();
  }

  /** Resolves when every route's queue is empty. */
  async idle(): Promise<void> {
    await Promise.all([this.#am?.idle(), ...this.#hooks.map((h) => h.queue.idle())]);
  }

  /** Offers every firing, unsilenced alert to Alertmanager again (keeps them active there). */
  resendFiring(): void {
    const now = this.#now();
    for (const alert of this.#firing.values()) {
      if (!this.#o.isSilenced(alert, now)) this.#am?.offer({ payload: alert, coalesceKey: alert.fingerprint });
    }
  }

  /** Routes one batch of committed transitions; `done` runs when all routes settled all of them. */
  route(alerts: readonly Alert[], done: () => void): void {
    const now = this.#now();
    let pending = 1;
    const settle = () => {
      pending--;
      if (pending === 0) done();
    };
    const notify: Alert[] = [];
    for (const alert of alerts) {
      if (alert.state === AlertState.FIRING) this.#firing.set(alert.fingerprint, alert);
      else this.#firing.delete(alert.fingerprint);
      if (alert.state === AlertState.FIRING && this.#o.isSilenced(alert, now)) continue;
      notify.push(alert);
    }
    if (this.#am !== undefined) {
      for (const alert of notify) {
        pending++;
        this.#am.offer({
          payload: alert,
          coalesceKey: alert.fingerprint,
          // A replaced item's newer state is delivered by the item that replaced it.
          onSettled: settle,
        });
      }
    }
    for (const notification of this.#group(notify)) {
      for (const hook of this.#hooks) {
        pending++;
        hook.queue.offer({ payload: notification, onSettled: settle });
      }
    }
    settle();
  }

  #group(alerts: readonly Alert[]): WebhookNotification[] {
    const groups = new Map<string, { labels: Record<string, string>; alerts: WebhookAlert[] }>();
    for (const alert of alerts) {
      const labels = this.#o.groupLabels(alert.labels);
      const key = JSON.stringify(labels);
      let group = groups.get(key);
      if (group === undefined) {
        group = { labels, alerts: [] };
        groups.set(key, group);
      }
      group.alerts.push(toWebhookAlert(alert));
    }
    return [...groups].map(([groupKey, group]) => ({
      version: "1",
      idempotencyKey: createHash("sha256")
        .update(
          group.alerts
            .map((a) => a.transitionId)
            .sort()
            .join("\n"),
        )
        .digest("hex")
        .slice(0, 32),
      groupKey,
      groupLabels: group.labels,
      status: group.alerts.some((a) => a.status === "firing") ? "firing" : "resolved",
      alerts: group.alerts,
    }));
  }

  #events(route: string) {
    const events = this.#o.metrics!.queueEvents(route);
    return {
      ...events,
      failed: (error: unknown, attempt: number) => {
        events.failed?.(error, attempt);
        this.#o.logger.warn({ route, attempt, err: error }, "notification delivery failed, will retry");
      },
    };
  }
}

function toWebhookAlert(alert: Alert): WebhookAlert {
  const startsAtMs = alert.startsAt === undefined ? 0 : Number(timestampMs(alert.startsAt));
  const status = alert.state === AlertState.RESOLVED ? "resolved" : "firing";
  return {
    fingerprint: alert.fingerprint,
    status,
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    startsAt: new Date(startsAtMs).toISOString(),
    ...(alert.endsAt === undefined ? {} : { endsAt: new Date(Number(timestampMs(alert.endsAt))).toISOString() }),
    ruleId: alert.ruleId,
    transitionId: `${alert.fingerprint}:${status}:${startsAtMs}`,
  };
}
