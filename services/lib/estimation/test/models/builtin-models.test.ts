import { describe, expect, test } from "@jest/globals";
import {
  BUILTIN_TRANSITION_MODELS,
  createBuiltinMeasurementModel,
  createBuiltinTransitionModel,
} from "../../src/models/builtin/builtin-models.ts";
import { ModelParameterError } from "../../src/models/builtin/model-parameter-error.ts";
import { OCV_TABLE } from "./ocv-table.ts";

const CONFIGS: Record<(typeof BUILTIN_TRANSITION_MODELS)[number], Record<string, unknown>> = {
  constant_velocity: { dimensions: 3, q: 0.1 },
  constant_acceleration: { dimensions: 2, q: 0.1 },
  random_walk: { stateNames: ["offset"], q: 1e-4 },
  first_order_thermal: { R: 0.5, C: 400, ambient: 20, q: 0.01 },
  battery_equivalent_circuit: { capacityAh: 2.5, R1: 0.015, C1: 2000, qSoc: 1e-9, qV1: 1e-6 },
  damped_pendulum: { L: 1.5, c: 0.2, q: 0.02, substeps: 2, maxStep: 0.05 },
  damped_oscillator: { k: 4, c: 0.4, m: 1, q: 0.05 },
  linear_degradation: { qHealth: 0.01, qRate: 1e-6 },
};

function parameterError(fn: () => unknown): ModelParameterError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ModelParameterError);
    return err as ModelParameterError;
  }
  throw new Error("expected a ModelParameterError");
}

describe("built-in models from twin-definition configuration", () => {
  test("every built-in transition model can be built by name", () => {
    for (const name of BUILTIN_TRANSITION_MODELS) {
      const model = createBuiltinTransitionModel(name, CONFIGS[name]);
      expect(model.name.startsWith(name)).toBe(true);
    }
    expect(createBuiltinTransitionModel("constant_velocity", CONFIGS.constant_velocity).dimX).toBe(6);
    expect(createBuiltinTransitionModel("damped_pendulum", CONFIGS.damped_pendulum).parameters.g).toBe(9.80665);
  });

  test("unknown names, unknown keys and wrong types fail naming the key", () => {
    expect(parameterError(() => createBuiltinTransitionModel("kalman_magic", {})).parameter).toBe("model");
    const typo = parameterError(() =>
      createBuiltinTransitionModel("first_order_thermal", { ...CONFIGS.first_order_thermal, Cap: 3 }),
    );
    expect(typo.parameter).toBe("Cap");
    expect(typo.problem).toBe("unknown");
    const wrongType = parameterError(() =>
      createBuiltinTransitionModel("damped_oscillator", { ...CONFIGS.damped_oscillator, m: "1" }),
    );
    expect(wrongType.parameter).toBe("m");
    expect(
      parameterError(() => createBuiltinTransitionModel("constant_velocity", { dimensions: 4, q: 1 })).parameter,
    ).toBe("dimensions");
    expect(
      parameterError(() =>
        createBuiltinTransitionModel("first_order_thermal", { ...CONFIGS.first_order_thermal, C: 0 }),
      ).problem,
    ).toBe("not_positive");
  });

  test("measurement models are built against the transition model's state", () => {
    const cv = createBuiltinTransitionModel("constant_velocity", { dimensions: 2, q: 0.1 });
    expect(createBuiltinMeasurementModel("position", { noiseStd: 0.5 }, cv).dimZ).toBe(2);
    const rb = createBuiltinMeasurementModel("range_bearing", { rangeStd: 1, bearingStd: 0.01 }, cv);
    const z = new Float64Array(2);
    rb.h(Float64Array.of(3, 9, 4, 9), new Float64Array(0), z);
    expect(z[0]).toBe(5);
    const linear = createBuiltinMeasurementModel(
      "linear",
      { H: [[1, 0, 1, 0]], noiseStd: [0.5], measurementNames: ["sum"] },
      cv,
    );
    expect(linear.measurementNames).toEqual(["sum"]);
    expect(
      parameterError(() => createBuiltinMeasurementModel("linear", { H: [[1, 0]], noiseStd: 1 }, cv)).parameter,
    ).toBe("H");
    const battery = createBuiltinTransitionModel("battery_equivalent_circuit", CONFIGS.battery_equivalent_circuit);
    const voltage = createBuiltinMeasurementModel(
      "battery_terminal_voltage",
      { ocv: OCV_TABLE, R0: 0.02, noiseStd: 0.005 },
      battery,
    );
    voltage.h(Float64Array.of(0.3, 0), Float64Array.of(0), z);
    expect(z[0]).toBeCloseTo(3.6, 14);
    const thermal = createBuiltinTransitionModel("first_order_thermal", CONFIGS.first_order_thermal);
    expect(
      parameterError(() =>
        createBuiltinMeasurementModel("direct", { measured: ["T"], noiseStd: 0.1, bias: 1 }, thermal),
      ).parameter,
    ).toBe("bias");
    expect(
      parameterError(() => createBuiltinMeasurementModel("range_bearing", { rangeStd: 1, bearingStd: 1 }, thermal))
        .parameter,
    ).toBe("positionStates");
  });
});
