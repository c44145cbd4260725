import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type Alert, AlertState } from "@twinstate/proto";
import { createLogger } from "@twinstate/runtime";
import { Registry } from "prom-client";
import { AlertEngine } from "../src/engine/alert-engine.ts";
import { toAlertMessage } from "../src/engine/to-alert-message.ts";
import { AlertingMetrics } from "../src/metrics/alerting-metrics.ts";
import { AlertmanagerClient } from "../src/routes/alertmanager-client.ts";
import { idempotencyKeyHeader, signatureHeader, verifySignature } from "../src/routes/hmac-signature.ts";
import { NotificationRouter } from "../src/routes/notification-router.ts";
import { WebhookClient, type WebhookNotification } from "../src/routes/webhook-client.ts";
import { parseAlertRules } from "../src/rules/load-alert-rules.ts";
import { estimate } from "./alert-fixtures.ts";
import { type AlertmanagerFixture, eventually, freePort, startAlertmanager } from "./alertmanager-fixture.ts";
import { startWebhookReceiver } from "./webhook-receiver.ts";

const logger = createLogger({ service: "alerting-test", level: "silent" });
const rules = parseAlertRules(
  `
rules:
  - id: hot
    kind: threshold
    alertname: RouteTestHot
    severity: warning
    variable: bearing_temp
    above: 80
    annotations: { summary: "{{ asset }} at {{ value }}" }
`,
  "test",
);

/** Firing (and later resolved) alerts for `assets` from the engine, with event times just before now. */
function scenario(tenant: string, assets: readonly string[]) {
  const engine = new AlertEngine({ rules });
  const now = Date.now();
  const fire = (t: number) =>
    assets.flatMap((asset) =>
      engine.onEstimate("estimates:0", estimate(t, [90, 0], { tenant, asset })).map((x) => toAlertMessage(x.alert)),
    );
  const resolve = (t: number, which: readonly string[]) =>
    which.flatMap((asset) =>
      engine.onEstimate("estimates:0", estimate(t, [70, 0], { tenant, asset })).map((x) => toAlertMessage(x.alert)),
    );
  return { engine, now, fire, resolve };
}

function routed(router: NotificationRouter, alerts: readonly Alert[]): Promise<void> {
  return new Promise((resolve) => router.route(alerts, resolve));
}

describe("routes against real receivers", () => {
  let am: AlertmanagerFixture;
  beforeAll(async () => {
    am = await startAlertmanager();
  });
  afterAll(async () => {
    await am?.stop();
  });

  test("a real Alertmanager receives firing alerts, keeps them on re-send, and drops them once resolved", async () => {
    const tenant = `t${Date.now()}`;
    const client = new AlertmanagerClient({ url: am.url });
    const router = new NotificationRouter({
      alertmanager: { client, resendIntervalMs: 600_000, generatorURL: "http://twinstate.test/alerts" },
      webhooks: [],
      groupLabels: (labels) => ({ tenant: labels.tenant ?? "" }),
      isSilenced: () => false,
      logger,
    });
    const s = scenario(tenant, ["p1", "p2"]);
    const firing = s.fire(s.now - 10_000);
    expect(firing.map((a) => a.state)).toEqual([AlertState.FIRING, AlertState.FIRING]);
    await routed(router, firing);
    const active = await eventually(
      async () => {
        const got = await client.getAlerts([`tenant="${tenant}"`]);
        return got.length === 2 ? got : undefined;
      },
      15_000,
      "both alerts at Alertmanager",
    );
    const p1 = active.find((a) => a.labels.asset === "p1")!;
    expect(p1.labels).toEqual(firing[0]!.labels);
    expect(p1.annotations.summary).toBe("p1 at 90");
    expect(p1.status.state).toBe("active");
    expect(p1.generatorURL).toBe("http://twinstate.test/alerts");
    expect(Date.parse(p1.startsAt)).toBe(s.now - 10_000);

    router.resendFiring();
    await router.idle();
    const resolved = s.resolve(s.now - 5_000, ["p1"]);
    expect(resolved.map((a) => a.state)).toEqual([AlertState.RESOLVED]);
    await routed(router, resolved);
    const after = await eventually(
      async () => {
        const got = await client.getAlerts([`tenant="${tenant}"`]);
        return got.length === 1 ? got : undefined;
      },
      15_000,
      "the resolved alert to leave Alertmanager's active alerts",
    );
    expect(after[0]!.labels.asset).toBe("p2");
    router.stop();
  });

  test("a webhook that refuses connections, then fails with 500, then recovers receives every alert, signed", async () => {
    const port = await freePort(); // nothing listens yet: connection refused
    const registry = new Registry();
    const metrics = new AlertingMetrics(registry);
    const secret = "webhook-test-secret";
    const router = new NotificationRouter({
      webhooks: [{ client: new WebhookClient({ name: "oncall", url: `http://127.0.0.1:${port}/hook`, secret }) }],
      groupLabels: (labels) => ({ asset: labels.asset ?? "" }),
      isSilenced: () => false,
      logger,
      metrics,
      backoff: { initialMs: 50, maxMs: 400, multiplier: 2, jitter: 0.2 },
    });
    const s = scenario(`w${Date.now()}`, ["p1", "p2", "p3"]);
    const batches = [s.fire(s.now - 20_000), s.resolve(s.now - 10_000, ["p1", "p3"])];
    const settled = batches.map((b) => routed(router, b));
    await new Promise((r) => setTimeout(r, 400));
    const receiver = await startWebhookReceiver((i) => (i < 2 ? 500 : 200), port);
    try {
      await Promise.all(settled);
      const ok = receiver.requests.filter((r) => r.status === 200);
      const delivered = new Set(
        ok.flatMap((r) => (JSON.parse(r.body) as WebhookNotification).alerts.map((a) => a.transitionId)),
      );
      const expected = batches.flat().map((a) => {
        const startsAt = Number(a.startsAt!.seconds) * 1000 + a.startsAt!.nanos / 1e6;
        return `${a.fingerprint}:${a.state === AlertState.FIRING ? "firing" : "resolved"}:${startsAt}`;
      });
      expect([...delivered].sort()).toEqual([...expected].sort());
      expect(receiver.requests.some((r) => r.status === 500)).toBe(true);
      const byKey = new Map<string, string>();
      for (const r of receiver.requests) {
        expect(verifySignature(r.body, secret, r.headers[signatureHeader] as string)).toBe(true);
        const key = r.headers[idempotencyKeyHeader] as string;
        expect(key).toBe((JSON.parse(r.body) as WebhookNotification).idempotencyKey);
        // A retry repeats the same notification: same key, same body.
        if (byKey.has(key)) expect(r.body).toBe(byKey.get(key));
        byKey.set(key, r.body);
      }
      expect(receiver.requests.length).toBeGreaterThan(byKey.size); // duplicates happened and are recognisable
      const text = await registry.metrics();
      expect(text).toMatch(/twinstate_alerting_notifications_failed_total\{route="oncall"\} [1-9]/);
      expect(text).toMatch(/twinstate_alerting_notifications_retried_total\{route="oncall"\} [1-9]/);
      expect(text).toMatch(/twinstate_alerting_notifications_dropped_total\{route="oncall"\} 0/);
      expect(text).toMatch(/twinstate_alerting_queue_depth\{route="oncall"\} 0/);
    } finally {
      router.stop();
      await receiver.close();
    }
  });

  test("a failing webhook never blocks Alertmanager", async () => {
    const deadPort = await freePort();
    const tenant = `b${Date.now()}`;
    const client = new AlertmanagerClient({ url: am.url });
    const router = new NotificationRouter({
      alertmanager: { client, resendIntervalMs: 600_000 },
      webhooks: [{ client: new WebhookClient({ name: "dead", url: `http://127.0.0.1:${deadPort}/hook` }) }],
      groupLabels: (labels) => ({ tenant: labels.tenant ?? "" }),
      isSilenced: () => false,
      logger,
      backoff: { initialMs: 50, maxMs: 200, multiplier: 2, jitter: 0 },
    });
    const s = scenario(tenant, ["p1"]);
    let settled = false;
    router.route(s.fire(s.now - 1000), () => {
      settled = true;
    });
    await eventually(
      async () => {
        const got = await client.getAlerts([`tenant="${tenant}"`]);
        return got.length === 1 ? got : undefined;
      },
      15_000,
      "the alert at Alertmanager while the webhook is down",
    );
    expect(settled).toBe(false); // the webhook still owes it: its offset stays uncommitted
    router.stop();
  });
});
