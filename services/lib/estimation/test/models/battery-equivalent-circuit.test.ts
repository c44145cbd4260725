import { describe, expect, test } from "@jest/globals";
import { ExtendedKalmanFilter } from "../../src/filters/extended-kalman-filter.ts";
import { BatteryEquivalentCircuit } from "../../src/models/builtin/battery-equivalent-circuit.ts";
import { BatteryTerminalVoltage } from "../../src/models/builtin/battery-terminal-voltage.ts";
import { ModelParameterError } from "../../src/models/builtin/model-parameter-error.ts";
import { OpenCircuitVoltageCurve } from "../../src/models/builtin/open-circuit-voltage-curve.ts";
import { diag, runNeesExperiment } from "./nees-experiment.ts";
import { OCV_TABLE } from "./ocv-table.ts";
import { reportNees } from "./report-nees.ts";

describe("BatteryEquivalentCircuit", () => {
  const params = { capacityAh: 2.5, R1: 0.015, C1: 2000, qSoc: 1e-9, qV1: 1e-6 };

  test("coulomb counting: 2.5 A for one hour empties a 2.5 Ah cell", () => {
    const m = new BatteryEquivalentCircuit(params);
    const out = new Float64Array(2);
    m.f(Float64Array.of(1, 0), 3600, Float64Array.of(2.5), out);
    expect(out[0]).toBeCloseTo(0, 12);
    // v1 settles at R1·I after many time constants (τ = 30 s).
    expect(out[1]).toBeCloseTo(0.015 * 2.5, 12);
  });

  test("v1 follows the exact RC step response", () => {
    const m = new BatteryEquivalentCircuit(params);
    const out = new Float64Array(2);
    m.f(Float64Array.of(0.5, 0.01), 30, Float64Array.of(-2), out);
    const a = Math.exp(-1);
    expect(out[1]).toBeCloseTo(a * 0.01 + 0.015 * (1 - a) * -2, 14);
  });

  test("OCV table interpolates linearly, clamps outside, and its slope is the segment's", () => {
    const ocv = new OpenCircuitVoltageCurve(OCV_TABLE);
    expect(ocv.value(0.3)).toBeCloseTo(3.6, 14);
    expect(ocv.slope(0.3)).toBeCloseTo(0.5, 14);
    expect(ocv.value(-0.2)).toBe(3.0);
    expect(ocv.value(1.5)).toBe(4.2);
    expect(ocv.slope(1.5)).toBe(0);
    expect(
      () =>
        new OpenCircuitVoltageCurve([
          [0, 3],
          [0, 3.1],
        ]),
    ).toThrow(ModelParameterError);
  });

  test("terminal voltage V = OCV(soc) − v1 − R0·I", () => {
    const sensor = new BatteryTerminalVoltage({
      ocv: new OpenCircuitVoltageCurve(OCV_TABLE),
      R0: 0.02,
      noiseStd: 0.005,
    });
    const V = new Float64Array(1);
    sensor.h(Float64Array.of(0.3, 0.01), Float64Array.of(3), V);
    expect(V[0]).toBeCloseTo(3.6 - 0.01 - 0.06, 14);
  });

  test("rejects a zero capacity naming the parameter", () => {
    expect(() => new BatteryEquivalentCircuit({ ...params, capacityAh: 0 })).toThrow(/capacityAh/);
    expect(() => new BatteryEquivalentCircuit(params).withParameters({ R1: -1 })).toThrow(ModelParameterError);
  });

  test("EKF with a discharge/charge current profile and the voltage sensor is NEES-consistent (M=40 × 200)", () => {
    const transition = new BatteryEquivalentCircuit(params);
    const voltage = new BatteryTerminalVoltage({
      ocv: new OpenCircuitVoltageCurve(OCV_TABLE),
      R0: 0.02,
      noiseStd: 0.005,
    });
    const currents = Array.from({ length: 200 }, (_, k) => Float64Array.of(k % 50 < 35 ? 5 : -2));
    const r = runNeesExperiment({
      transition,
      sensors: { voltage },
      makeFilter: (x0, P0, t0) =>
        new ExtendedKalmanFilter({ transition, sensors: { voltage: { model: voltage } }, x0, P0, t0 }),
      x0: Float64Array.of(0.7, 0),
      P0: diag(0.02 ** 2, 0.005 ** 2),
      dt: 10,
      steps: 200,
      runs: 40,
      seed: 501,
      input: (k) => currents[k],
    });
    reportNees("battery_equivalent_circuit + terminal voltage (EKF)", r);
    expect(r.averageNees).toBeGreaterThan(r.lower);
    expect(r.averageNees).toBeLessThan(r.upper);
  });
});
