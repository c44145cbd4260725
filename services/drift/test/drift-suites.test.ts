import { create } from "@bufbuild/protobuf";
import { describe, expect, test } from "@jest/globals";
import { DetectorKind, EstimateStatus, ListDriftEventsRequestSchema, Severity } from "@twinstate/proto";
import { DriftDefinitions } from "../src/definitions/drift-definitions.ts";
import { DriftEventIndex } from "../src/service/drift-event-index.ts";
import { DriftSuites } from "../src/suites/drift-suites.ts";
import { decodeSuiteRecord, encodeSuiteRecord } from "../src/suites/suite-record.ts";
import { estimateStream } from "./estimate-fixtures.ts";

describe("DriftSuites: estimates → drift events", () => {
  test("clean stream: no event; 3σ bias from reading 1000: CUSUM (or noise) fires soon after, with onset near 1000", () => {
    const suites = new DriftSuites(new DriftDefinitions());
    const clean = estimateStream({ asset: "a1", readings: 2000, seed: 1 });
    for (const e of clean) expect(suites.process(e, 0)).toMatchObject({ kind: "fed", events: [] });
    const biased = estimateStream({ asset: "a2", readings: 1100, seed: 2, bias: 3, biasFrom: 1000 });
    const events = biased.flatMap((e) => {
      const o = suites.process(e, 0);
      return o.kind === "fed" ? o.events : [];
    });
    expect(events.length).toBeGreaterThan(0);
    const first = events[0]!;
    expect(Number(first.estimateSequence)).toBeGreaterThan(1000);
    expect(Number(first.estimateSequence)).toBeLessThan(1030);
    expect(first.tenant).toBe("acme");
    expect(first.asset).toBe("a2");
    expect(first.sensor).toBe("T_outlet");
    expect(first.twinClassVersion).toBe(1);
    expect(first.eventId).toBe(`acme/a2/T_outlet/${first.detector}/${first.estimateSequence}`);
    expect(Number(first.details.onset_index)).toBeGreaterThanOrEqual(990);
    expect(first.onsetTime).toBeDefined();
    expect(first.severity).not.toBe(Severity.UNSPECIFIED);
    expect(first.threshold).toBeGreaterThan(0);
    if (first.detector === "cusum") expect(first.detectorKind).toBe(DetectorKind.CUSUM);
  });

  test("quarantined estimates are skipped, duplicates (sequence not increasing) too", () => {
    const suites = new DriftSuites(new DriftDefinitions());
    const [e1, e2] = estimateStream({ asset: "a", readings: 2, seed: 3 });
    expect(suites.process(e1!, 0).kind).toBe("fed");
    expect(suites.process(e1!, 0)).toEqual({ kind: "skipped", reason: "duplicate" });
    const q = { ...e2!, status: EstimateStatus.QUARANTINED };
    expect(suites.process(q, 0)).toEqual({ kind: "skipped", reason: "quarantined" });
    expect(suites.get("acme/a/T_outlet")?.samples).toBe(1);
  });

  test("the class version's drift block configures the suite; a new version with another block rebuilds it", () => {
    const defs = new DriftDefinitions();
    expect(
      defs.put("thermal-rc", 1, { adwin: false, coverage: false, sensors: { T_outlet: { noiseLevel: false } } }),
    ).toMatchObject({ kind: "accepted" });
    expect(defs.put("thermal-rc", 2, { cusum: false })).toMatchObject({ kind: "accepted" });
    const suites = new DriftSuites(defs);
    const [e1, e2, e3] = estimateStream({ asset: "a", readings: 3, seed: 4 });
    suites.process(e1!, 0);
    suites.process(e2!, 0);
    const names1 = suites.get("acme/a/T_outlet")!.suite.detectorNames;
    expect(names1).not.toContain("adwin");
    expect(names1).not.toContain("noise_level");
    expect(names1).toContain("cusum");
    expect(suites.get("acme/a/T_outlet")!.samples).toBe(2);
    suites.process({ ...e3!, twinClassVersion: 2 }, 0);
    const r = suites.get("acme/a/T_outlet")!;
    expect(r.suite.detectorNames).not.toContain("cusum");
    expect(r.suite.detectorNames).toContain("adwin");
    expect(r.twinClassVersion).toBe(2);
  });

  test("an invalid drift block is reported naming the key, and the class runs the defaults", () => {
    const defs = new DriftDefinitions();
    const outcome = defs.put("thermal-rc", 1, { cusum: { variable: "T", threshold: 5, drift: 0.5 } });
    expect(outcome.kind).toBe("invalid");
    if (outcome.kind === "invalid") expect(outcome.issues.map((i) => i.key)).toContain("drift.cusum");
    expect(defs.configFor("thermal-rc", 1, "T")).toEqual({});
    expect(defs.putDocument("twinClass: x\nversion: 3\ndrift:\n  cusum: { k: 0.75 }\n")).toMatchObject({
      kind: "accepted",
      classKey: "x/3",
    });
    expect(defs.configFor("x", 3, "T")).toEqual({ cusum: { k: 0.75 } });
  });

  test("suite records round-trip bit-exactly: a restored suite continues with identical events", () => {
    const stream = estimateStream({ asset: "a", readings: 1400, seed: 5, bias: 1.5, biasFrom: 700 });
    const straight = new DriftSuites(new DriftDefinitions());
    const split = new DriftSuites(new DriftDefinitions());
    const ids = (s: DriftSuites, from: number, to: number) =>
      stream.slice(from, to).flatMap((e) => {
        const o = s.process(e, 3);
        return o.kind === "fed" ? o.events.map((ev) => ev.eventId) : [];
      });
    const all = ids(straight, 0, 1400);
    const before = ids(split, 0, 750);
    const bytes = encodeSuiteRecord(split.get("acme/a/T_outlet")!);
    const restored = new DriftSuites(new DriftDefinitions());
    const record = decodeSuiteRecord(bytes, 3);
    expect(encodeSuiteRecord(record).equals(bytes)).toBe(true);
    restored.restore("acme/a/T_outlet", record);
    const after = ids(restored, 750, 1400);
    expect([...before, ...after]).toEqual(all);
    expect(all.length).toBeGreaterThan(0);
  });
});

describe("DriftEventIndex", () => {
  const suites = new DriftSuites(new DriftDefinitions());
  const index = new DriftEventIndex(1000);
  for (const [i, asset] of ["p1", "p2", "p3"].entries()) {
    for (const e of estimateStream({ asset, readings: 3000, seed: 10 + i, bias: 3, biasFrom: 300 })) {
      const o = suites.process(e, 0);
      if (o.kind === "fed") for (const ev of o.events) index.add(ev);
    }
  }

  test("pages through every matching event newest first, without repeats", () => {
    const req = (pageToken: string) => create(ListDriftEventsRequestSchema, { tenant: "acme", pageSize: 2, pageToken });
    const seen: string[] = [];
    let token = "";
    let pages = 0;
    do {
      const page = index.list(req(token));
      seen.push(...page.events.map((e) => e.eventId));
      token = page.nextPageToken;
      pages++;
    } while (token !== "" && pages < 1000);
    expect(seen.length).toBe(index.size);
    expect(new Set(seen).size).toBe(seen.length);
    const all = index.list(create(ListDriftEventsRequestSchema, { tenant: "acme", pageSize: 1000 })).events;
    expect(all.map((e) => e.eventId)).toEqual(seen);
    for (let i = 1; i < all.length; i++) {
      expect(Number(all[i - 1]!.detectedTime!.seconds)).toBeGreaterThanOrEqual(Number(all[i]!.detectedTime!.seconds));
    }
  });

  test("filters by asset, detector, tenant and time; bad tokens and tenants are INVALID_ARGUMENT", () => {
    const p2 = index.list(create(ListDriftEventsRequestSchema, { tenant: "acme", asset: "p2", pageSize: 1000 })).events;
    expect(p2.length).toBeGreaterThan(0);
    expect(p2.every((e) => e.asset === "p2")).toBe(true);
    const det = p2[0]!.detector;
    const byDetector = index.list(
      create(ListDriftEventsRequestSchema, { tenant: "acme", detector: det, pageSize: 1000 }),
    );
    expect(byDetector.events.every((e) => e.detector === det)).toBe(true);
    expect(index.list(create(ListDriftEventsRequestSchema, { tenant: "other" })).events).toEqual([]);
    const t = p2[0]!.detectedTime!;
    const after = index.list(
      create(ListDriftEventsRequestSchema, { tenant: "acme", detectedAfter: t, pageSize: 1000 }),
    ).events;
    expect(after.every((e) => Number(e.detectedTime!.seconds) >= Number(t.seconds))).toBe(true);
    expect(() => index.list(create(ListDriftEventsRequestSchema, { tenant: "" }))).toThrow(/tenant/);
    expect(() => index.list(create(ListDriftEventsRequestSchema, { tenant: "acme", pageToken: "xyz" }))).toThrow(
      /page_token/,
    );
  });

  test("holds at most its capacity, dropping the oldest arrivals", () => {
    const small = new DriftEventIndex(3);
    const events = index.list(create(ListDriftEventsRequestSchema, { tenant: "acme", pageSize: 1000 })).events;
    for (const e of events) small.add(e);
    expect(small.size).toBe(3);
  });
});
