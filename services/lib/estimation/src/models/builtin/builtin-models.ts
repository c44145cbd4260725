import type { MeasurementModel } from "../measurement-model.ts";
import type { TransitionModel } from "../transition-model.ts";
import { BatteryEquivalentCircuit } from "./battery-equivalent-circuit.ts";
import { BatteryTerminalVoltage } from "./battery-terminal-voltage.ts";
import { ConstantAcceleration } from "./constant-acceleration.ts";
import { ConstantVelocity } from "./constant-velocity.ts";
import { DampedOscillator } from "./damped-oscillator.ts";
import { DampedPendulum } from "./damped-pendulum.ts";
import { DirectMeasurement } from "./direct-measurement.ts";
import { FirstOrderThermal } from "./first-order-thermal.ts";
import { LinearDegradation } from "./linear-degradation.ts";
import { LinearMeasurement } from "./linear-measurement.ts";
import { ModelParameterError } from "./model-parameter-error.ts";
import { OpenCircuitVoltageCurve } from "./open-circuit-voltage-curve.ts";
import { PositionSelector } from "./position-selector.ts";
import { RandomWalk } from "./random-walk.ts";
import { RangeBearing } from "./range-bearing.ts";

/** Configuration of a built-in model as it appears in a twin definition (parsed YAML/JSON). */
export type BuiltinModelConfig = Readonly<Record<string, unknown>>;

/** Reads typed fields from a config, rejecting unknown keys and wrong types with {@link ModelParameterError}. */
class ConfigReader {
  readonly #model: string;
  readonly #config: BuiltinModelConfig;
  readonly #used = new Set<string>();

  constructor(model: string, config: BuiltinModelConfig) {
    this.#model = model;
    this.#config = config;
  }

  #take(key: string): unknown {
    this.#used.add(key);
    return this.#config[key];
  }

  #invalid(key: string, what: string): never {
    throw new ModelParameterError(this.#model, key, "invalid", `must be ${what}`);
  }

  /** A number (finiteness and sign are checked by the model itself). */
  number(key: string): number;
  number(key: string, fallback: number): number;
  number(key: string, fallback?: number): number {
    const v = this.#take(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== "number") this.#invalid(key, "a number");
    return v;
  }

  optionalNumber(key: string): number | undefined {
    const v = this.#take(key);
    if (v === undefined) return undefined;
    if (typeof v !== "number") this.#invalid(key, "a number");
    return v;
  }

  stringList(key: string): string[] {
    const v = this.#take(key);
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === "string")) {
      this.#invalid(key, "a non-empty list of names");
    }
    return v as string[];
  }

  optionalStringList(key: string): string[] | undefined {
    if (this.#config[key] === undefined) {
      this.#used.add(key);
      return undefined;
    }
    return this.stringList(key);
  }

  numberOrList(key: string): number | number[] {
    const v = this.#take(key);
    if (typeof v === "number") return v;
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number")) return v as number[];
    this.#invalid(key, "a number or a list of numbers");
  }

  matrix(key: string): number[][] {
    const v = this.#take(key);
    if (
      !Array.isArray(v) ||
      v.length === 0 ||
      !v.every((r) => Array.isArray(r) && r.every((x) => typeof x === "number"))
    ) {
      this.#invalid(key, "a matrix (a list of rows of numbers)");
    }
    return v as number[][];
  }

  pairs(key: string): [number, number][] {
    const v = this.#take(key);
    const ok =
      Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === "number"));
    if (!ok) this.#invalid(key, "a list of [soc, volts] pairs");
    return v as [number, number][];
  }

  oneOf<T extends string | number>(key: string, allowed: readonly T[], fallback: T): T {
    const v = this.#take(key);
    if (v === undefined) return fallback;
    if (!allowed.includes(v as T)) this.#invalid(key, `one of ${allowed.join(", ")}`);
    return v as T;
  }

  /** Throw on keys the model does not know (typos in twin definitions fail loudly). */
  done(): void {
    for (const key of Object.keys(this.#config)) {
      if (!this.#used.has(key)) {
        const known = [...this.#used].join(", ");
        throw new ModelParameterError(this.#model, key, "unknown", `is not a setting of this model (known: ${known})`);
      }
    }
  }
}

/** Names of the built-in transition models accepted by {@link createBuiltinTransitionModel}. */
export const BUILTIN_TRANSITION_MODELS = [
  "constant_velocity",
  "constant_acceleration",
  "random_walk",
  "first_order_thermal",
  "battery_equivalent_circuit",
  "damped_pendulum",
  "damped_oscillator",
  "linear_degradation",
] as const;

/** Names of the built-in measurement models accepted by {@link createBuiltinMeasurementModel}. */
export const BUILTIN_MEASUREMENT_MODELS = [
  "linear",
  "direct",
  "position",
  "range_bearing",
  "battery_terminal_voltage",
] as const;

/**
 * Build a built-in transition model from its name and a twin definition's configuration, e.g.
 * `createBuiltinTransitionModel("constant_velocity", { dimensions: 2, q: 0.05 })`.
 *
 * Why: twin definitions name models and give plain data; this is the one place that maps them to classes,
 * so unknown names, unknown keys (typos) and wrong types fail with a {@link ModelParameterError} naming the
 * key, and values are then validated by the model itself.
 */
export function createBuiltinTransitionModel(name: string, config: BuiltinModelConfig): TransitionModel {
  const r = new ConfigReader(name, config);
  let model: TransitionModel;
  switch (name) {
    case "constant_velocity":
      model = new ConstantVelocity({ dimensions: r.oneOf("dimensions", [1, 2, 3] as const, 2), q: r.number("q") });
      break;
    case "constant_acceleration":
      model = new ConstantAcceleration({ dimensions: r.oneOf("dimensions", [1, 2, 3] as const, 1), q: r.number("q") });
      break;
    case "random_walk":
      model = new RandomWalk({ stateNames: r.stringList("stateNames"), q: r.number("q") });
      break;
    case "first_order_thermal":
      model = new FirstOrderThermal({
        R: r.number("R"),
        C: r.number("C"),
        ambient: r.number("ambient"),
        q: r.number("q"),
      });
      break;
    case "battery_equivalent_circuit":
      model = new BatteryEquivalentCircuit({
        capacityAh: r.number("capacityAh"),
        R1: r.number("R1"),
        C1: r.number("C1"),
        qSoc: r.number("qSoc"),
        qV1: r.number("qV1"),
      });
      break;
    case "damped_pendulum": {
      const maxStep = r.optionalNumber("maxStep");
      model = new DampedPendulum({
        g: r.number("g", 9.80665),
        L: r.number("L"),
        c: r.number("c"),
        q: r.number("q"),
        method: r.oneOf("method", ["rk4", "euler"] as const, "rk4"),
        substeps: r.number("substeps", 4),
        ...(maxStep !== undefined ? { maxStep } : {}),
      });
      break;
    }
    case "damped_oscillator":
      model = new DampedOscillator({ k: r.number("k"), c: r.number("c"), m: r.number("m"), q: r.number("q") });
      break;
    case "linear_degradation":
      model = new LinearDegradation({ qHealth: r.number("qHealth"), qRate: r.number("qRate") });
      break;
    default:
      throw new ModelParameterError(
        name,
        "model",
        "unknown",
        `is not a built-in transition model (known: ${BUILTIN_TRANSITION_MODELS.join(", ")})`,
      );
  }
  r.done();
  return model;
}

/**
 * Build a built-in measurement model for a sensor of `transition`, e.g.
 * `createBuiltinMeasurementModel("direct", { measured: ["T"], noiseStd: 0.2 }, thermal)`.
 * Settings per model: linear {H, noiseStd, measurementNames?, angular?}; direct {measured, noiseStd,
 * angular?}; position {noiseStd}; range_bearing {rangeStd, bearingStd, positionStates?: [px, py]};
 * battery_terminal_voltage {ocv: [[soc, volts], …], R0, noiseStd}.
 */
export function createBuiltinMeasurementModel(
  name: string,
  config: BuiltinModelConfig,
  transition: Pick<TransitionModel, "stateNames" | "dimX">,
): MeasurementModel {
  const r = new ConfigReader(name, config);
  let model: MeasurementModel;
  switch (name) {
    case "linear": {
      const names = r.optionalStringList("measurementNames");
      const angular = r.optionalStringList("angular");
      model = new LinearMeasurement({
        H: r.matrix("H"),
        noiseStd: r.numberOrList("noiseStd"),
        ...(names ? { measurementNames: names } : {}),
        ...(angular ? { angular } : {}),
      });
      if (model.dimX !== transition.dimX) {
        throw new ModelParameterError(
          name,
          "H",
          "invalid",
          `has ${model.dimX} columns, the state has ${transition.dimX}`,
        );
      }
      break;
    }
    case "direct": {
      const angular = r.optionalStringList("angular");
      model = new DirectMeasurement({
        stateNames: transition.stateNames,
        measured: r.stringList("measured"),
        noiseStd: r.numberOrList("noiseStd"),
        ...(angular ? { angular } : {}),
      });
      break;
    }
    case "position":
      model = new PositionSelector({ model: transition, noiseStd: r.numberOrList("noiseStd") });
      break;
    case "range_bearing": {
      const states = r.optionalStringList("positionStates") ?? ["x", "y"];
      const indices = states.map((s) => transition.stateNames.indexOf(s));
      if (states.length !== 2 || indices.some((i) => i < 0)) {
        throw new ModelParameterError(
          name,
          "positionStates",
          "invalid",
          `must name two state variables (state: ${transition.stateNames.join(", ")})`,
        );
      }
      model = new RangeBearing({
        dimX: transition.dimX,
        positionIndices: [indices[0], indices[1]],
        rangeStd: r.number("rangeStd"),
        bearingStd: r.number("bearingStd"),
      });
      break;
    }
    case "battery_terminal_voltage":
      model = new BatteryTerminalVoltage({
        ocv: new OpenCircuitVoltageCurve(r.pairs("ocv")),
        R0: r.number("R0"),
        noiseStd: r.number("noiseStd"),
      });
      break;
    default:
      throw new ModelParameterError(
        name,
        "model",
        "unknown",
        `is not a built-in measurement model (known: ${BUILTIN_MEASUREMENT_MODELS.join(", ")})`,
      );
  }
  r.done();
  return model;
}
