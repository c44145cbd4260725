import { fromBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, test } from "@jest/globals";
import { createBuiltinTransitionModel, Xoshiro128 } from "@twinstate/estimation";
import { SensorReadingSchema } from "@twinstate/proto";
import {
  corruptReading,
  DemoFleet,
  type DemoFleetOptions,
  demoProfiles,
  encodeReading,
  FaultInjector,
  loadDemoConfig,
  MALFORMED_PAYLOAD,
  ovenProfile,
  TruthProcess,
} from "../src/index.ts";

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

function fleet(overrides: Partial<DemoFleetOptions> = {}): DemoFleet {
  return new DemoFleet({
    profiles: demoProfiles(),
    assetsPerClass: 2,
    seed: 3,
    startMs: T0,
    tickMs: 500,
    badInputRatio: 0,
    lateRatio: 0,
    gapRatio: 0,
    faultIntervalS: 1e9,
    firstFaultWithinS: 0,
    ...overrides,
  });
}

const decode = (bytes: Uint8Array) => fromBinary(SensorReadingSchema, bytes);

describe("TruthProcess", () => {
  test("x(t+dt) = f(x, dt, u) + w with Cov(w) = Q(dt): mean and variance over many runs", () => {
    const model = createBuiltinTransitionModel("constant_velocity", { dimensions: 1, q: 0.5 });
    const rng = new Xoshiro128(11);
    const runs = 4000;
    const dt = 2;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < runs; i++) {
      const truth = new TruthProcess(model, [10, 3]);
      truth.step(dt, rng);
      sum += truth.x[0]!;
      sumSq += truth.x[0]! ** 2;
    }
    const Q = new Float64Array(4);
    model.Q(dt, Q);
    const mean = sum / runs;
    const variance = sumSq / runs - mean ** 2;
    expect(mean).toBeCloseTo(10 + 3 * dt, 0);
    expect(variance / Q[0]!).toBeGreaterThan(0.9);
    expect(variance / Q[0]!).toBeLessThan(1.1);
  });

  test("rejects an initial state of the wrong length; dt <= 0 leaves the state alone", () => {
    const model = createBuiltinTransitionModel("constant_velocity", { dimensions: 1, q: 0.5 });
    expect(() => new TruthProcess(model, [1])).toThrow(/2 states/);
    const truth = new TruthProcess(model, [1, 2]);
    truth.step(0, new Xoshiro128(1));
    truth.step(-1, new Xoshiro128(1));
    expect([...truth.x]).toEqual([1, 2]);
  });
});

describe("FaultInjector", () => {
  test("a scheduled fault starts within firstWithinS, alters the readings as its kind says and ends", () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 30; seed++) {
      const rng = new Xoshiro128(seed);
      const f = new FaultInjector({ noiseStd: 1, meanIntervalS: 1e9, firstWithinS: 2, startMs: T0 }, rng);
      const clean = [100];
      expect(f.apply(clean, T0, rng)).toEqual(clean);
      let t = T0;
      while (f.active === undefined && t < T0 + 2000) {
        t += 100;
        f.apply(clean, t, rng);
      }
      const fault = f.active;
      expect(fault).toBeDefined();
      seen.add(fault!.kind);
      const outs = [1, 2, 3].map((k) => f.apply([100 + k], t + k * 100, rng)[0]!);
      if (fault!.kind === "bias") {
        for (const [k, v] of outs.entries()) expect(Math.abs(v - (101 + k))).toBeGreaterThanOrEqual(6);
      } else if (fault!.kind === "stuck") {
        expect(new Set(outs).size).toBe(1);
      } else {
        expect(outs.some((v, k) => Math.abs(v - (101 + k)) > 0.5)).toBe(true);
      }
      expect(f.apply([7], fault!.untilMs, rng)).toEqual([7]);
      expect(f.active).toBeUndefined();
    }
    expect(seen).toEqual(new Set(["bias", "stuck", "noise"]));
  });
});

test("FaultInjector: only the allowed kinds are injected (the particle-filter pendulum gets no stuck faults)", () => {
  const kinds = new Set<string>();
  for (let seed = 1; seed <= 40; seed++) {
    const rng = new Xoshiro128(seed);
    const f = new FaultInjector(
      { noiseStd: 1, meanIntervalS: 1e9, firstWithinS: 1, startMs: T0, kinds: ["bias", "noise"] },
      rng,
    );
    f.apply([0], T0 + 1000, rng);
    kinds.add(f.active!.kind);
  }
  expect(kinds).toEqual(new Set(["bias", "noise"]));
  expect(demoProfiles().find((p) => p.twinClass === "demo-pendulum-pf")?.faults).toEqual(["bias", "noise"]);
});

describe("bad input", () => {
  const good = { sensor: "outlet_temp", value: 300, unit: "K", eventTimeMs: T0, primary: true } as const;
  test("each kind changes exactly what it names", () => {
    const p = ovenProfile();
    expect(corruptReading("wrong_unit", good, p)).toEqual({ ...good, unit: "kPa" });
    expect(corruptReading("unknown_unit", good, p)).toEqual({ ...good, unit: "degrees" });
    expect(corruptReading("nan", good, p).value).toBeNaN();
    expect(corruptReading("out_of_range", good, p).value).toBe(5000);
    expect(corruptReading("nan", { ...good, value: [1, 2] }, p).value).toEqual([Number.NaN, Number.NaN]);
  });

  test("encoded readings decode to the same fields; the malformed payload does not decode", () => {
    const r = decode(encodeReading({ tenant: "acme", asset: "oven-1", ...good }));
    expect(r).toMatchObject({ tenant: "acme", asset: "oven-1", sensor: "outlet_temp", unit: "K" });
    expect(r.value).toEqual({ case: "scalar", value: 300 });
    expect(timestampMs(r.eventTime!)).toBe(T0);
    const v = decode(encodeReading({ tenant: "fleet", asset: "truck-1", ...good, value: [1.5, -2] }));
    expect(v.value.case).toBe("vector");
    expect(() => decode(MALFORMED_PAYLOAD)).toThrow();
  });
});

describe("DemoFleet", () => {
  test("the same seed gives the same records and bindings; another seed does not", () => {
    const a = fleet();
    const b = fleet();
    const c = fleet({ seed: 4 });
    for (let i = 0; i < 20; i++) {
      const t = T0 + i * 500;
      const ra = a.tick(t);
      expect(b.tick(t)).toEqual(ra);
      if (i === 19) expect(c.tick(t)).not.toEqual(ra);
      else c.tick(t);
    }
    expect(a.bindings(T0)).toEqual(b.bindings(T0));
  });

  test("without nuisances: one good primary reading per asset and tick, event times increasing per sensor, inputs before measurements", () => {
    const f = fleet();
    const last = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const records = f.tick(T0 + i * 500);
      expect(records.every((r) => r.kind === "good")).toBe(true);
      const primaries = records
        .map((r) => decode(r.value))
        .filter((r) => ["outlet_temp", "terminal_voltage", "gnss", "angle"].includes(r.sensor));
      expect(primaries).toHaveLength(8);
      for (const r of records.map((x) => decode(x.value))) {
        const k = `${r.tenant}/${r.asset}/${r.sensor}`;
        const t = timestampMs(r.eventTime!);
        expect(t).toBeGreaterThan(last.get(k) ?? -1);
        last.set(k, t);
        const value = r.value.case === "scalar" ? [r.value.value] : (r.value.value?.components ?? []);
        expect(value.every(Number.isFinite)).toBe(true);
      }
    }
    // the first tick of an input-driven asset carries its input reading, 1 ms before the measurement
    const first = fleet()
      .tick(T0)
      .map((r) => decode(r.value));
    const power = first.find((r) => r.sensor === "heater_power" && r.asset === "oven-1")!;
    const temp = first.find((r) => r.sensor === "outlet_temp" && r.asset === "oven-1")!;
    expect(timestampMs(power.eventTime!)).toBe(timestampMs(temp.eventTime!) - 1);
  });

  test("late readings arrive after a newer reading of the same sensor, less than 8 s late; bad inputs are of every kind", () => {
    const f = fleet({ lateRatio: 0.2, badInputRatio: 0.2 });
    const kinds = new Set<string>();
    const newest = new Map<string, number>();
    let late = 0;
    for (let i = 0; i < 400; i++) {
      const now = T0 + i * 500;
      for (const r of f.tick(now)) {
        kinds.add(r.kind);
        if (r.kind === "malformed") continue;
        const d = decode(r.value);
        const k = `${d.tenant}/${d.asset}/${d.sensor}`;
        const t = timestampMs(d.eventTime!);
        if (r.kind === "late") {
          expect(now - t).toBeGreaterThan(0);
          expect(now - t).toBeLessThanOrEqual(8000);
          if (t < (newest.get(k) ?? 0)) late++;
        }
        newest.set(k, Math.max(newest.get(k) ?? 0, t));
      }
    }
    expect(late).toBeGreaterThan(20);
    expect(kinds).toEqual(
      new Set(["good", "late", "wrong_unit", "unknown_unit", "nan", "out_of_range", "duplicate", "malformed"]),
    );
  });

  test("gaps silence an asset while its truth keeps evolving", () => {
    const f = fleet({ gapRatio: 0.05 });
    const perTick: number[] = [];
    for (let i = 0; i < 200; i++) perTick.push(f.tick(T0 + i * 500).filter((r) => r.key === "fleet/truck-1").length);
    expect(perTick.filter((n) => n === 0).length).toBeGreaterThan(10);
  });

  test("bindings: one per asset, class version 1, initial mean = the true initial state", () => {
    const f = fleet();
    const bindings = f.bindings(T0);
    expect(bindings.map((b) => `${b.tenant}/${b.asset}`)).toEqual(f.assets.map((a) => a.key));
    const truck = bindings.find((b) => b.asset === "truck-1")!;
    expect(truck.twinClassId).toBe("demo-vehicle-cv");
    expect(truck.twinClassVersion).toBe(1);
    const sim = f.assets.find((a) => a.asset === "truck-1")!;
    expect(truck.initialMean).toEqual({
      x: sim.initialState[0],
      vx: sim.initialState[1],
      y: sim.initialState[2],
      vy: sim.initialState[3],
    });
  });

  test("after a pause the truth is integrated in small steps under its controller: cells stay in [0, 1], pendulum angles are wrapped, everything finite", () => {
    const f = fleet();
    f.tick(T0);
    const records = f.tick(T0 + 40 * 60 * 1000); // the demo was stopped for 40 minutes
    for (const a of f.assets) expect(a.truth.every(Number.isFinite)).toBe(true);
    for (const cell of f.assets.filter((a) => a.profile.twinClass === "demo-battery-ecm")) {
      expect(cell.truth[0]).toBeGreaterThan(0);
      expect(cell.truth[0]).toBeLessThan(1);
    }
    for (let i = 0; i < 400; i++) records.push(...f.tick(T0 + 40 * 60 * 1000 + i * 500));
    const angles = records.map((r) => decode(r.value)).filter((r) => r.sensor === "angle");
    expect(angles.length).toBeGreaterThan(0);
    for (const r of angles) {
      const v = r.value.case === "scalar" ? r.value.value : Number.NaN;
      expect(v).toBeGreaterThanOrEqual(-Math.PI);
      expect(v).toBeLessThan(Math.PI);
    }
  });

  test("a snapshot resumes every asset's truth in a new fleet", () => {
    const a = fleet();
    for (let i = 0; i < 10; i++) a.tick(T0 + i * 500);
    const snapshot = JSON.parse(JSON.stringify(a.snapshot()));
    const b = fleet();
    expect(b.restore(snapshot)).toBe(8);
    expect(b.assets.map((s) => s.truth)).toEqual(a.assets.map((s) => s.truth));
  });
});

describe("demo config", () => {
  test("env vars set the demo section; a bad value names the variable", () => {
    const c = loadDemoConfig({ KAFKA_BROKERS: "127.0.0.1:9092", DEMO_TICK_MS: "250", DEMO_ASSETS_PER_CLASS: "5" });
    expect(c.demo.tickMs).toBe(250);
    expect(c.demo.assetsPerClass).toBe(5);
    expect(c.demo.topics.raw).toBe("telemetry.raw.v1");
    expect(() => loadDemoConfig({ KAFKA_BROKERS: "127.0.0.1:9092", DEMO_LATE_RATIO: "2" })).toThrow(/DEMO_LATE_RATIO/);
  });
});
