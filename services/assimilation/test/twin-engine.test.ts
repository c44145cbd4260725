import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, test } from "@jest/globals";
import { EstimateStatus, type StateEstimate, StateEstimateSchema, TwinCheckpointSchema } from "@twinstate/proto";
import { TwinEngine } from "../src/engine/twin-engine.ts";
import { exampleCatalog, mixedReadings, reading, seeded } from "./reading-fixtures.ts";

function hasNonFinite(e: StateEstimate): boolean {
  const nums = [
    ...e.mean,
    ...e.covariance,
    ...e.stdDev,
    e.logLikelihood,
    ...e.intervals.flatMap((b) => [...b.lower, ...b.upper]),
    ...(e.innovation === undefined
      ? []
      : [...e.innovation.residual, ...e.innovation.covariance, e.innovation.nis, ...e.innovation.predictedMeasurement]),
  ];
  return nums.some((v) => !Number.isFinite(v));
}

describe("TwinEngine", () => {
  test("one estimate per reading, each naming its class version, sequences gap-free per asset", () => {
    const engine = new TwinEngine(exampleCatalog());
    const readings = mixedReadings(700);
    const estimates = readings.map((r) => engine.process(r));
    expect(estimates).toHaveLength(700);
    const seq = new Map<string, bigint>();
    for (const e of estimates) {
      const key = `${e.tenant}/${e.asset}`;
      if (e.asset === "unbound") {
        expect(e.status).toBe(EstimateStatus.REJECTED);
        expect(e.statusReason).toMatch(/^UNBOUND_ASSET/);
        continue;
      }
      expect(e.twinClassVersion).toBe(1);
      const next = (seq.get(key) ?? 0n) + 1n;
      expect(e.sequence).toBe(next);
      seq.set(key, next);
    }
    const statuses = new Set(estimates.map((e) => e.status));
    expect(statuses.has(EstimateStatus.OK)).toBe(true);
    expect(statuses.has(EstimateStatus.GATED)).toBe(true);
    expect(estimates.some((e) => e.statusReason.startsWith("UNKNOWN_SENSOR"))).toBe(true);
  });

  test("determinism: checkpoint and restore at random points gives bit-identical estimates and states", () => {
    const readings = mixedReadings(700, 7);
    const reference = new TwinEngine(exampleCatalog());
    const expected = readings.map((r, i) =>
      toBinary(StateEstimateSchema, reference.process(r, { partition: 0, offset: BigInt(i) })),
    );
    const rand = seeded(42);
    let engine = new TwinEngine(exampleCatalog());
    for (let i = 0; i < readings.length; i++) {
      if (rand() < 0.05) {
        // A crash: a fresh engine restored from the changelog records of every twin.
        const checkpoints = [...engine.twins()].map((t) => engine.checkpoint(t.key));
        engine = new TwinEngine(exampleCatalog());
        for (const c of checkpoints) engine.restore(c);
      }
      const got = toBinary(StateEstimateSchema, engine.process(readings[i]!, { partition: 0, offset: BigInt(i) }));
      expect(Buffer.from(got).equals(Buffer.from(expected[i]!))).toBe(true);
    }
    for (const twin of reference.twins()) {
      expect(Buffer.from(engine.checkpoint(twin.key).state)).toEqual(Buffer.from(reference.checkpoint(twin.key).state));
    }
  });

  test("no poison: a twin whose numbers overflow is quarantined, says why, and never publishes NaN or Inf", () => {
    const engine = new TwinEngine(exampleCatalog());
    const out: StateEstimate[] = [];
    out.push(engine.process(reading("acme/oven-1", "outlet_temp", 1_800_000_000, 300, "K")));
    // Huge readings blow up the innovation and the update (the gate probability 0.9999 lets nothing this
    // large through, so use a power input that drives T to Inf through the model instead).
    out.push(engine.process(reading("acme/oven-1", "heater_power", 1_800_000_001, 1e308, "W")));
    out.push(engine.process(reading("acme/oven-1", "outlet_temp", 1_800_000_100, 300, "K")));
    out.push(engine.process(reading("acme/oven-1", "outlet_temp", 1_800_000_200, 300, "K")));
    for (const e of out) expect(hasNonFinite(e)).toBe(false);
    const quarantined = out.filter((e) => e.status === EstimateStatus.QUARANTINED);
    expect(quarantined.length).toBeGreaterThanOrEqual(2);
    expect(quarantined[0]?.statusReason).toMatch(/NUMERICAL_FAILURE|NON_FINITE/);
    // The quarantine survives a checkpoint/restore.
    const restored = new TwinEngine(exampleCatalog());
    restored.restore(engine.checkpoint("acme/oven-1"));
    const after = restored.process(reading("acme/oven-1", "outlet_temp", 1_800_000_300, 300, "K"));
    expect(after.status).toBe(EstimateStatus.QUARANTINED);
    expect(hasNonFinite(after)).toBe(false);
  });

  test("every innovation carries the predicted measurement ẑ⁻ = h(x⁻), so the reading is z = ẑ⁻ + y", () => {
    const engine = new TwinEngine(exampleCatalog());
    const readings = mixedReadings(700, 3);
    let checked = 0;
    for (const r of readings) {
      const e = engine.process(r);
      if (e.innovation === undefined) continue;
      const { predictedMeasurement: zHat, residual: y } = e.innovation;
      expect(zHat).toHaveLength(y.length);
      expect(zHat.every(Number.isFinite)).toBe(true);
      if (r.reading?.sensor === "radar") continue; // its bearing residual wraps angles
      const z =
        r.reading?.value.case === "scalar" ? [r.reading.value.value] : (r.reading?.value.value?.components ?? []);
      zHat.forEach((v, i) => {
        expect(v + (y[i] as number)).toBeCloseTo(z[i] as number, 9);
      });
      checked++;
    }
    // kf (oven), ekf (battery voltage) and ukf (gnss) twins all contributed, gated readings included.
    expect(checked).toBeGreaterThan(200);
  });

  test("particle twins: intervals are weighted particle quantiles, not mean ± z·σ, and replay bit-identically", () => {
    const readings = Array.from({ length: 60 }, (_, i) => {
      const t = 0.1 * i;
      return reading(
        "lab/pendulum-1",
        "angle",
        1_800_000_000 + t,
        0.5 * Math.exp(-0.075 * t) * Math.cos(2.86 * t),
        "rad",
      );
    });
    const engine = new TwinEngine(exampleCatalog());
    const estimates = readings.map((r, i) => engine.process(r, { partition: 0, offset: BigInt(i) }));
    const z90 = 1.6448536269514722;
    let asymmetric = 0;
    let ok = 0;
    for (const e of estimates) {
      if (e.status !== EstimateStatus.OK) continue;
      ok++;
      const band = e.intervals[0]!;
      expect(band.level).toBe(0.9);
      for (let d = 0; d < 2; d++) {
        const [m, s, lo, hi] = [e.mean[d]!, e.stdDev[d]!, band.lower[d]!, band.upper[d]!];
        expect(lo).toBeLessThanOrEqual(hi);
        // Gaussian bands are mean ± z·σ exactly; quantiles of a finite cloud almost never are.
        if (Math.abs(hi - (m + z90 * s)) > 1e-12 && Math.abs(hi - m - (m - lo)) > 1e-12) asymmetric++;
      }
    }
    expect(ok).toBeGreaterThan(40);
    expect(asymmetric).toBeGreaterThan(ok);
    // A crash and restore from the changelog in the middle gives the same bytes (intervals included).
    const replay = new TwinEngine(exampleCatalog());
    for (let i = 0; i < 30; i++) replay.process(readings[i]!, { partition: 0, offset: BigInt(i) });
    const restored = new TwinEngine(exampleCatalog());
    restored.restore(replay.checkpoint("lab/pendulum-1"));
    for (let i = 30; i < readings.length; i++) {
      const got = restored.process(readings[i]!, { partition: 0, offset: BigInt(i) });
      expect(Buffer.from(toBinary(StateEstimateSchema, got))).toEqual(
        Buffer.from(toBinary(StateEstimateSchema, estimates[i]!)),
      );
    }
  });

  test("rejects readings going back in time, in the wrong unit or from unknown sensors, without touching the state", () => {
    const engine = new TwinEngine(exampleCatalog());
    const first = engine.process(reading("acme/oven-1", "outlet_temp", 1_800_000_010, 300, "K"));
    const back = engine.process(reading("acme/oven-1", "outlet_temp", 1_800_000_000, 300, "K"));
    expect(back.status).toBe(EstimateStatus.REJECTED);
    expect(back.statusReason).toMatch(/^TIME_WENT_BACKWARDS/);
    expect(back.mean).toEqual(first.mean);
    const unit = engine.process(reading("acme/oven-1", "outlet_temp", 1_800_000_020, 27, "Cel"));
    expect(unit.statusReason).toMatch(/^UNIT_MISMATCH/);
    expect(unit.mean).toEqual(first.mean);
  });

  test("a new binding moves the twin to the new class version; an unchanged one does not", () => {
    const catalog = exampleCatalog();
    const engine = new TwinEngine(catalog);
    engine.process(reading("acme/oven-1", "outlet_temp", 1_800_000_000, 300, "K"));
    const twin = engine.get("acme/oven-1");
    engine.process(reading("acme/oven-1", "outlet_temp", 1_800_000_001, 300, "K"));
    expect(engine.get("acme/oven-1")).toBe(twin);
    catalog.bind(
      {
        asset: "acme/oven-1",
        twinClass: "thermal-rc",
        version: 1,
        initial: { mean: {}, std: {} },
        parameters: { C: 30000 },
      },
      "test",
    );
    const e = engine.process(reading("acme/oven-1", "outlet_temp", 1_800_000_002, 300, "K"));
    expect(engine.get("acme/oven-1")).not.toBe(twin);
    expect(engine.get("acme/oven-1")?.parameters).toEqual({ C: 30000 });
    expect(e.sequence).toBe(3n);
  });
});

describe("TwinEngine out of order", () => {
  test("determinism: within the lag window a late reading gives the same final state as the in-order run", () => {
    const fixes = Array.from({ length: 40 }, (_, i) =>
      reading("fleet/truck-4", "gnss", 1_800_000_000 + i, [2 * i, -i], "m"),
    );
    const inOrder = new TwinEngine(exampleCatalog());
    for (const r of fixes) inOrder.process(r);
    const shuffled = [...fixes];
    // Swap neighbours (1 s apart, inside the 5 s lag window of kinematic-cv).
    for (let i = 5; i + 1 < shuffled.length; i += 7) [shuffled[i], shuffled[i + 1]] = [shuffled[i + 1]!, shuffled[i]!];
    const outOfOrder = new TwinEngine(exampleCatalog());
    const statuses = shuffled.map((r) => outOfOrder.process(r).status);
    expect(statuses.every((s) => s === EstimateStatus.OK)).toBe(true);
    // The state equals the in-order run's bit for bit (the window's arrival bookkeeping differs, by design).
    const a = outOfOrder.snapshotOf(outOfOrder.get("fleet/truck-4")!);
    const b = inOrder.snapshotOf(inOrder.get("fleet/truck-4")!);
    expect(Buffer.from(a.x.buffer)).toEqual(Buffer.from(b.x.buffer));
    expect(Buffer.from(a.P.buffer)).toEqual(Buffer.from(b.P.buffer));
    const late = outOfOrder.process(reading("fleet/truck-4", "gnss", 1_800_000_000 + 10, [20, -10], "m"));
    expect(late.status).toBe(EstimateStatus.REJECTED);
    expect(late.statusReason).toMatch(/^LATE_READING/);
  });
});

describe("TwinEngine restore of bad changelog records", () => {
  test("a corrupt or unknown record quarantines only its twin, with a typed reason, never NaN; the others restore", () => {
    const t0 = 1_800_000_000;
    const readings = [
      ...Array.from({ length: 5 }, (_, i) => reading("acme/oven-1", "outlet_temp", t0 + i, 300, "K")),
      ...Array.from({ length: 5 }, (_, i) => reading("acme/oven-2", "outlet_temp", t0 + i, 310, "K")),
      ...Array.from({ length: 5 }, (_, i) => reading("fleet/truck-4", "gnss", t0 + i, [i, -i], "m")),
      ...Array.from({ length: 5 }, (_, i) => reading("acme/cell-17", "current", t0 + i, 1, "A")),
    ];
    const reference = new TwinEngine(exampleCatalog());
    readings.forEach((r, i) => {
      reference.process(r, { partition: 3, offset: BigInt(i) });
    });
    const bytes = (key: string) => toBinary(TwinCheckpointSchema, reference.checkpoint(key));
    const oven2 = reference.checkpoint("acme/oven-2");
    const records: [string, Uint8Array][] = [
      ["acme/oven-1", Uint8Array.from([0xff, 0xff, 0xff, 0x07, 0x01])],
      ["acme/oven-2", toBinary(TwinCheckpointSchema, { ...oven2, state: oven2.state.subarray(0, 12) })],
      [
        "fleet/truck-4",
        toBinary(
          TwinCheckpointSchema,
          create(TwinCheckpointSchema, { ...reference.checkpoint("fleet/truck-4"), twinClassVersion: 9 }),
        ),
      ],
      ["acme/cell-17", bytes("acme/cell-17")],
    ];
    const engine = new TwinEngine(exampleCatalog());
    const outcomes = records.map(([key, value]) => engine.restoreRecord(key, 3, value));
    expect(outcomes.map((o) => (o.restored ? "restored" : o.twin.reason))).toEqual([
      "CORRUPT_RECORD",
      "CORRUPT_STATE",
      "UNKNOWN_TWIN_CLASS",
      "restored",
    ]);
    expect([...engine.unrestorable()].map((u) => u.key).sort()).toEqual([
      "acme/oven-1",
      "acme/oven-2",
      "fleet/truck-4",
    ]);

    // The next reading of each bad twin: QUARANTINED, saying why, no numbers to be NaN, sequence continuing
    // from the record when it named one.
    const next = [
      reading("acme/oven-1", "outlet_temp", t0 + 10, 300, "K"),
      reading("acme/oven-2", "outlet_temp", t0 + 10, 310, "K"),
      reading("fleet/truck-4", "gnss", t0 + 10, [10, -10], "m"),
    ].map((r, i) => engine.process(r, { partition: 3, offset: BigInt(100 + i) }));
    expect(next.map((e) => e.status)).toEqual([
      EstimateStatus.QUARANTINED,
      EstimateStatus.QUARANTINED,
      EstimateStatus.QUARANTINED,
    ]);
    expect(next[0]?.statusReason).toMatch(/^RESTORE_FAILED CORRUPT_RECORD: /);
    expect(next[1]?.statusReason).toMatch(/^RESTORE_FAILED CORRUPT_STATE: /);
    expect(next[2]?.statusReason).toMatch(/^RESTORE_FAILED UNKNOWN_TWIN_CLASS: .*kinematic-cv v9/);
    expect(next.map((e) => e.sequence)).toEqual([1n, 6n, 6n]);
    for (const e of next) expect(hasNonFinite(e)).toBe(false);
    // No changelog record is written for them (the bad record stays what a restart sees).
    expect(engine.get("acme/oven-1")).toBeUndefined();

    // The good twin continues bit-identically to the uninterrupted run.
    const r = reading("acme/cell-17", "current", t0 + 10, 1, "A");
    expect(Buffer.from(toBinary(StateEstimateSchema, engine.process(r, { partition: 3, offset: 200n })))).toEqual(
      Buffer.from(toBinary(StateEstimateSchema, reference.process(r, { partition: 3, offset: 200n }))),
    );

    // A later valid record of the key replaces the quarantine; a tombstone or a revoked partition forgets it.
    expect(engine.restoreRecord("acme/oven-2", 3, bytes("acme/oven-2")).restored).toBe(true);
    expect(engine.process(reading("acme/oven-2", "outlet_temp", t0 + 11, 310, "K")).status).toBe(EstimateStatus.OK);
    expect(engine.drop("acme/oven-1")).toBe(true);
    expect(engine.retain((twin) => twin.inputPartition !== 3)).toBeGreaterThanOrEqual(1);
    expect([...engine.unrestorable()]).toEqual([]);
  });
});
