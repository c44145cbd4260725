import { describe, expect, test } from "@jest/globals";
import { DetectorKind, EstimateStatus, Severity } from "@twinstate/proto";
import fc from "fast-check";
import { AlertEngine, type AlertEngine as AlertEngineType } from "../src/engine/alert-engine.ts";
import type { AlertEntry } from "../src/engine/alert-entry.ts";
import { decodeAlertEntry, encodeAlertEntry, parseStateKey, stateKeys } from "../src/engine/alert-state-codec.ts";
import { fingerprint } from "../src/engine/fingerprint.ts";
import { toAlertMessage } from "../src/engine/to-alert-message.ts";
import { AlertRuleError } from "../src/rules/alert-rule-error.ts";
import { parseAlertRules } from "../src/rules/load-alert-rules.ts";
import { driftEvent, estimate } from "./alert-fixtures.ts";

const rulesYaml = `
rules:
  - id: drift-critical
    kind: drift
    alertname: SensorDrift
    severity: critical
    match: { severity: [critical] }
    resolveAfter: 10m
    annotations: { summary: "{{ detector }} on {{ asset }}/{{ sensor }}" }
  - id: hot
    kind: threshold
    alertname: Hot
    severity: warning
    variable: bearing_temp
    above: 80
    hysteresis: 2
    for: 30s
    annotations: { summary: "{{ asset }} at {{ value }} (limit {{ limit }})" }
  - id: hot-soon
    kind: prognostic
    alertname: HotSoon
    severity: info
    variable: bearing_temp
    rateVariable: rate
    above: 100
    horizon: 10m
    probability: 0.9
  - id: quarantined
    kind: quarantine
    alertname: Quarantined
    severity: critical
    annotations: { description: "{{ reason }}" }
`;
const rules = parseAlertRules(rulesYaml, "test");
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const newEngine = () => new AlertEngine({ rules, groupBy: ["tenant", "alertname"], resolvedRetentionMs: 3_600_000 });

describe("AlertEngine", () => {
  test("dedup: repeated detections with the same labels are one alert (same fingerprint), fired once", () => {
    const engine = newEngine();
    const first = engine.onDriftEvent("drift:0", driftEvent(T0));
    const again = engine.onDriftEvent("drift:0", driftEvent(T0 + 60_000));
    expect(first).toHaveLength(1);
    expect(first[0]!.kind).toBe("firing");
    expect(again).toEqual([]);
    const alert = first[0]!.alert;
    expect(alert.labels).toEqual({
      alertname: "SensorDrift",
      asset: "pump-1",
      detector: "temp-cusum",
      sensor: "temp",
      severity: "critical",
      tenant: "acme",
    });
    expect(alert.fingerprint).toBe(fingerprint(alert.labels));
    expect(alert.annotations.summary).toBe("temp-cusum on pump-1/temp");
    expect(engine.list({ tenant: "acme", includeSilenced: true, nowMs: T0 })).toHaveLength(1);
    // Another sensor is another alert; a warning-severity event does not match the rule.
    expect(engine.onDriftEvent("drift:0", driftEvent(T0 + 1, { sensor: "flow" }))).toHaveLength(1);
    expect(engine.onDriftEvent("drift:0", driftEvent(T0 + 2, { sensor: "x", severity: Severity.WARNING }))).toEqual([]);
  });

  test("drift alerts resolve once the partition's event time passes lastSeen + resolveAfter", () => {
    const engine = newEngine();
    engine.onDriftEvent("drift:0", driftEvent(T0));
    engine.onDriftEvent("drift:0", driftEvent(T0 + 5 * 60_000));
    expect(
      engine.onDriftEvent("drift:0", driftEvent(T0 + 14 * 60_000, { asset: "pump-2" })).map((t) => t.kind),
    ).toEqual(["firing"]);
    const later = engine.onDriftEvent("drift:0", driftEvent(T0 + 16 * 60_000, { asset: "pump-3" }));
    const resolved = later.filter((t) => t.kind === "resolved");
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.alert.labels.asset).toBe("pump-1");
    expect(resolved[0]!.alert.endsAtMs).toBe(T0 + 15 * 60_000);
    expect(toAlertMessage(resolved[0]!.alert).endsAt).toBeDefined();
  });

  test("threshold with `for`: pending, then firing at activeSince, resolved when it clears (with hysteresis)", () => {
    const engine = newEngine();
    expect(engine.onEstimate("estimates:0", estimate(T0, [81, 0]))).toEqual([]);
    expect(engine.list({ tenant: "acme", includeSilenced: true, nowMs: T0 })).toEqual([]); // pending is not listed
    expect(engine.onEstimate("estimates:0", estimate(T0 + 20_000, [82, 0]))).toEqual([]);
    const fired = engine.onEstimate("estimates:0", estimate(T0 + 30_000, [83, 0]));
    expect(fired.map((t) => t.kind)).toEqual(["firing"]);
    expect(fired[0]!.alert.startsAtMs).toBe(T0);
    expect(fired[0]!.alert.annotations.summary).toBe("pump-1 at 83 (limit 80)");
    expect(engine.onEstimate("estimates:0", estimate(T0 + 40_000, [79, 0]))).toEqual([]); // inside hysteresis
    const cleared = engine.onEstimate("estimates:0", estimate(T0 + 50_000, [77.5, 0]));
    expect(cleared.map((t) => t.kind)).toEqual(["resolved"]);
    expect(cleared[0]!.alert.endsAtMs).toBe(T0 + 50_000);
    // A blip shorter than `for` never fires, and its pending entry is tombstoned.
    engine.takeChanges("estimates:0");
    engine.onEstimate("estimates:0", estimate(T0 + 60_000, [90, 0]));
    engine.onEstimate("estimates:0", estimate(T0 + 61_000, [70, 0]));
    const changes = engine.takeChanges("estimates:0");
    expect(changes.upserts).toHaveLength(0);
    expect(changes.deletes).toHaveLength(1);
  });

  test("prognostic: fires when the crossing probability within the horizon reaches the level", () => {
    const engine = newEngine();
    // 70 now, rising 0.1/s: 130 in 10 minutes → certain to cross 100.
    const P = { covariance: [1, 0, 1e-6] };
    const rising = engine.onEstimate("estimates:0", estimate(T0, [70, 0.1], P));
    expect(rising.map((t) => t.alert.labels.alertname)).toEqual(["HotSoon"]);
    // Falling: no crossing.
    const falling = engine.onEstimate("estimates:0", estimate(T0 + 1000, [70, -0.1], P));
    expect(falling.map((t) => [t.kind, t.alert.labels.alertname])).toEqual([["resolved", "HotSoon"]]);
  });

  test("quarantine: fires on QUARANTINED with the reason, resolves on the next usable estimate; thresholds hold", () => {
    const engine = newEngine();
    engine.onEstimate("estimates:0", estimate(T0, [85, 0]));
    engine.onEstimate("estimates:0", estimate(T0 + 30_000, [85, 0])); // Hot fires
    const q = engine.onEstimate(
      "estimates:0",
      estimate(T0 + 40_000, [20, 0], { status: EstimateStatus.QUARANTINED, reason: "NON_FINITE: P" }),
    );
    expect(q.map((t) => [t.kind, t.alert.labels.alertname])).toEqual([["firing", "Quarantined"]]);
    expect(q[0]!.alert.annotations.description).toBe("NON_FINITE: P");
    const back = engine.onEstimate("estimates:0", estimate(T0 + 50_000, [85, 0]));
    expect(back.map((t) => [t.kind, t.alert.labels.alertname])).toEqual([["resolved", "Quarantined"]]);
  });

  test("grouping by the configured labels", () => {
    const engine = newEngine();
    const a = engine.onDriftEvent("drift:0", driftEvent(T0, { asset: "p1" }))[0]!.alert;
    const b = engine.onDriftEvent("drift:0", driftEvent(T0, { asset: "p2" }))[0]!.alert;
    const c = engine.onDriftEvent("drift:0", driftEvent(T0, { asset: "p3", tenant: "other" }))[0]!.alert;
    expect(engine.groupKey(a)).toBe(engine.groupKey(b));
    expect(engine.groupKey(a)).not.toBe(engine.groupKey(c));
    expect(engine.groupLabels(a)).toEqual({ tenant: "acme", alertname: "SensorDrift" });
  });

  test("silences: matching alerts are marked, listed only on request, never across tenants; windows end", () => {
    const engine = newEngine();
    engine.putSilence({
      id: "s1",
      tenant: "acme",
      matchers: [{ name: "asset", value: "p[12]", operator: "=~" }],
      startsAtMs: T0,
      endsAtMs: T0 + 60_000,
      createdBy: "ops",
      comment: "maintenance",
    });
    const p1 = engine.onDriftEvent("drift:0", driftEvent(T0 + 1, { asset: "p1" }))[0]!.alert;
    const p3 = engine.onDriftEvent("drift:0", driftEvent(T0 + 1, { asset: "p3" }))[0]!.alert;
    const other = engine.onDriftEvent("drift:0", driftEvent(T0 + 1, { asset: "p1", tenant: "other" }))[0]!.alert;
    expect(p1.silencedBy).toEqual(["s1"]);
    expect(p3.silencedBy).toEqual([]);
    expect(other.silencedBy).toEqual([]);
    expect(toAlertMessage(p1).silenced).toBe(true);
    expect(engine.list({ tenant: "acme", includeSilenced: false, nowMs: T0 + 2 }).map((a) => a.labels.asset)).toEqual([
      "p3",
    ]);
    expect(engine.list({ tenant: "acme", includeSilenced: false, nowMs: T0 + 60_000 })).toHaveLength(2);
    expect(engine.expireSilences(T0 + 60_001)).toEqual(["s1"]);
    expect(() =>
      engine.putSilence({ ...engine.silences()[0]!, id: "bad", matchers: [{ name: "a", value: "(", operator: "=~" }] }),
    ).toThrow();
  });

  test("acknowledgement: only the tenant's firing alert; cleared when it fires again", () => {
    const engine = newEngine();
    const alert = engine.onDriftEvent("drift:0", driftEvent(T0))[0]!.alert;
    expect(() => engine.acknowledge("other", alert.fingerprint, "bob", T0, "")).toThrow(
      expect.objectContaining({ code: "NOT_FOUND" }),
    );
    const ack = engine.acknowledge("acme", alert.fingerprint, "alice", T0 + 5, "on it");
    expect(ack.startsAtMs).toBe(T0);
    expect(toAlertMessage(engine.get(alert.fingerprint)!)).toMatchObject({
      acknowledged: true,
      acknowledgement: { acknowledgedBy: "alice", comment: "on it" },
    });
    engine.onDriftEvent("drift:0", driftEvent(T0 + 11 * 60_000, { asset: "other-asset" })); // resolves it
    expect(() => engine.acknowledge("acme", alert.fingerprint, "bob", T0, "")).toThrow(
      expect.objectContaining({ code: "FAILED_PRECONDITION" }),
    );
    const again = engine.onDriftEvent("drift:0", driftEvent(T0 + 12 * 60_000))[0]!.alert;
    expect(again.fingerprint).toBe(alert.fingerprint);
    expect(again.acknowledgement).toBeNull();
    expect(engine.applyAcknowledgement(ack)).toBe(false); // for the previous firing
  });

  test("rules whose alerts would share labels are rejected", () => {
    const clash = parseAlertRules(
      `
rules:
  - { id: a, kind: threshold, alertname: X, severity: info, variable: v, above: 1 }
  - { id: b, kind: prognostic, alertname: X, severity: info, variable: v, above: 2, horizon: 1m, probability: 0.5 }
`,
      "t",
    );
    expect(() => new AlertEngine({ rules: clash })).toThrow(AlertRuleError);
  });
});

describe("AlertEngine state", () => {
  /** Feeds a scripted input sequence; returns the engine and the changelog it produced. */
  function run(engine: AlertEngineType, steps: readonly Step[], changelog = new Map<string, AlertEntry>()) {
    const transitions: string[] = [];
    for (const step of steps) {
      const owner = step.kind === "drift" ? "drift:0" : "estimates:0";
      const out =
        step.kind === "drift"
          ? engine.onDriftEvent(owner, driftEvent(T0 + step.t, { asset: step.asset }))
          : engine.onEstimate(owner, estimate(T0 + step.t, [step.x, step.rate], { asset: step.asset }));
      for (const t of out) transitions.push(`${t.kind}:${t.alert.fingerprint}:${t.alert.updatedAtMs}`);
      const changes = engine.takeChanges(owner);
      for (const e of changes.upserts)
        changelog.set(stateKeys.alert(owner, e.fingerprint), decodeAlertEntry(encodeAlertEntry(e)));
      for (const fp of changes.deletes) changelog.delete(stateKeys.alert(owner, fp));
    }
    return { transitions, changelog };
  }
  type Step =
    | { kind: "drift"; t: number; asset: string }
    | { kind: "estimate"; t: number; asset: string; x: number; rate: number };

  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
      kind: fc.constant("drift" as const),
      t: fc.integer({ min: 0, max: 3_600_000 }),
      asset: fc.constantFrom("a", "b"),
    }),
    fc.record({
      kind: fc.constant("estimate" as const),
      t: fc.integer({ min: 0, max: 3_600_000 }),
      asset: fc.constantFrom("a", "b"),
      x: fc.double({ min: 60, max: 110, noNaN: true }),
      rate: fc.double({ min: -0.2, max: 0.2, noNaN: true }),
    }),
  );

  test("alert entries round-trip exactly through the changelog encoding", () => {
    const engine = newEngine();
    engine.onEstimate("estimates:0", estimate(T0, [90, 0.05]));
    engine.onEstimate("estimates:0", estimate(T0 + 40_000, [90, 0.05]));
    engine.onDriftEvent("drift:0", driftEvent(T0));
    const all = [...engine.alerts()];
    expect(all.length).toBeGreaterThan(1);
    for (const entry of all) expect(decodeAlertEntry(encodeAlertEntry(entry))).toEqual(entry);
    expect(parseStateKey(stateKeys.alert("drift:3", "abc"))).toEqual({
      kind: "alert",
      owner: "drift:3",
      fingerprint: "abc",
    });
    expect(parseStateKey(stateKeys.silence("s-1"))).toEqual({ kind: "silence", id: "s-1" });
    expect(parseStateKey(stateKeys.acknowledgement("f"))).toEqual({ kind: "acknowledgement", fingerprint: "f" });
  });

  test("determinism: restoring from the changelog mid-stream gives the same transitions and state as no restore", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40 }), fc.nat(), (unsorted, cutSeed) => {
        const steps = [...unsorted].sort((a, b) => a.t - b.t);
        const cut = cutSeed % (steps.length + 1);
        const straight = run(newEngine(), steps);
        const first = newEngine();
        const head = run(first, steps.slice(0, cut));
        const restored = newEngine();
        for (const entry of head.changelog.values()) restored.restore(entry);
        const tail = run(restored, steps.slice(cut), head.changelog);
        expect([...head.transitions, ...tail.transitions]).toEqual(straight.transitions);
        expect(tail.changelog).toEqual(straight.changelog);
      }),
      { numRuns: 100 },
    );
  });
});

describe("AlertEngine detector kinds", () => {
  const kinds = [
    [DetectorKind.CUSUM, "cusum"],
    [DetectorKind.PAGE_HINKLEY, "page_hinkley"],
    [DetectorKind.NIS_WINDOW, "nis_window"],
    [DetectorKind.EWMA, "ewma"],
    [DetectorKind.ADWIN, "adwin"],
    [DetectorKind.INTERVAL_COVERAGE, "interval_coverage"],
    [DetectorKind.STUCK_SENSOR, "stuck_sensor"],
    [DetectorKind.NOISE_LEVEL, "noise_level"],
  ] as const;

  test("every DetectorKind of the contract has a rule name, and match.detectorKind selects exactly that kind", () => {
    // Every non-UNSPECIFIED value of the proto enum is named (a new enum value without a name fails here).
    const contractKinds = Object.values(DetectorKind).filter(
      (v): v is DetectorKind => typeof v === "number" && v !== DetectorKind.UNSPECIFIED,
    );
    expect(new Set(contractKinds)).toEqual(new Set(kinds.map(([kind]) => kind)));
    for (const [kind, name] of kinds) {
      const yaml = `rules:\n  - { id: by-kind, kind: drift, alertname: KindDrift, severity: warning, match: { detectorKind: [${name}] } }\n`;
      const engine = new AlertEngine({
        rules: parseAlertRules(yaml, "kinds"),
        groupBy: ["tenant", "alertname"],
        resolvedRetentionMs: 3_600_000,
      });
      for (const [other] of kinds) {
        const fired = engine.onDriftEvent("drift:0", driftEvent(T0 + other, { detector: `d-${other}`, kind: other }));
        expect(fired.map((t) => t.kind)).toEqual(other === kind ? ["firing"] : []);
      }
    }
  });

  test("the {{ detectorKind }} placeholder renders the new kinds' names", () => {
    const yaml =
      'rules:\n  - { id: k, kind: drift, alertname: KindDrift, severity: info, annotations: { summary: "{{ detectorKind }}" } }\n';
    const engine = new AlertEngine({
      rules: parseAlertRules(yaml, "kinds"),
      groupBy: ["tenant", "alertname"],
      resolvedRetentionMs: 3_600_000,
    });
    for (const [kind, name] of kinds) {
      const [t] = engine.onDriftEvent("drift:0", driftEvent(T0 + kind, { detector: `d-${kind}`, kind }));
      expect(t?.alert.annotations.summary).toBe(name);
    }
  });
});
