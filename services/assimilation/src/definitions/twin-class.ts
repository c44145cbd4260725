import {
  BatteryEquivalentCircuit,
  BatteryTerminalVoltage,
  ConstantAcceleration,
  ConstantVelocity,
  DampedOscillator,
  DampedPendulum,
  DirectMeasurement,
  ExpressionError,
  ExpressionMeasurementModel,
  ExpressionTransitionModel,
  ExtendedKalmanFilter,
  type FilterBase,
  FirstOrderThermal,
  InvalidFilterConfigError,
  JulierSigmaPoints,
  KalmanFilter,
  LinearDegradation,
  LinearMeasurement,
  type MeasurementModel,
  MerweScaledSigmaPoints,
  ModelDeclarationError,
  ModelParameterError,
  OpenCircuitVoltageCurve,
  ParticleFilter,
  RandomWalk,
  RangeBearing,
  type SensorConfig,
  type TransitionModel,
  UnscentedKalmanFilter,
} from "@twinstate/estimation";
import { DefinitionError } from "./definition-error.ts";
import type { SensorDeclaration, TwinDefinitionDocument } from "./twin-definition-schema.ts";

/** Initial state of one twin: mean x0, covariance P0 (row-major) and the time t0 they refer to. */
export interface InitialState {
  readonly x0: Float64Array;
  readonly P0: Float64Array;
}

/** Binding-level choices that change a twin built from a class: initial mean/std and parameter overrides. */
export interface TwinOverrides {
  readonly initialMean?: Readonly<Record<string, number>>;
  readonly initialStd?: Readonly<Record<string, number>>;
  readonly parameters?: Readonly<Record<string, number>>;
}

/**
 * A validated twin class version compiled to its models: the thing a {@link StateFilter} is built from.
 *
 * Why compile once per version: expression models generate code and built-in models validate their
 * parameters; doing that once per class version (not per asset) keeps 10,000 twins cheap, and building
 * the models here is also the cross-field validation of the document (a sensor measuring an undeclared
 * state, a built-in model whose state names differ from the declared ones), reported as
 * {@link DefinitionError}s naming the field.
 */
export class TwinClass {
  readonly id: string;
  readonly version: number;
  readonly document: TwinDefinitionDocument;
  /** The source text exactly as authored, and its format (published to twin.definitions.v1). */
  readonly text: string;
  readonly format: "yaml" | "json";
  readonly stateNames: readonly string[];
  readonly units: readonly string[];
  readonly inputNames: readonly string[];
  readonly transition: TransitionModel;
  readonly sensors: Readonly<Record<string, SensorConfig>>;
  /** Canonical unit per sensor, checked against each reading's unit. */
  readonly sensorUnits: ReadonlyMap<string, string>;
  /** Input index per sensor whose readings set a control input. */
  readonly inputSensors: ReadonlyMap<string, number>;
  readonly defaultInput: Float64Array;

  constructor(document: TwinDefinitionDocument, text: string, format: "yaml" | "json", source: string) {
    this.id = document.twinClass;
    this.version = document.version;
    this.document = document;
    this.text = text;
    this.format = format;
    this.stateNames = document.state.map((s) => s.name);
    this.units = document.state.map((s) => s.unit);
    this.inputNames = document.inputs.map((i) => i.name);
    this.defaultInput = Float64Array.from(document.inputs.map((i) => i.default));
    this.transition = buildTransition(document, source);
    const sensors: Record<string, SensorConfig> = {};
    const units = new Map<string, string>();
    for (const [name, declaration] of Object.entries(document.sensors)) {
      const model = buildSensor(document, this.transition, name, declaration, source);
      sensors[name] = declaration.gate === undefined ? { model } : { model, gate: declaration.gate };
      units.set(name, declaration.unit);
    }
    const inputSensors = new Map<string, number>();
    document.inputs.forEach((input, index) => {
      if (input.sensor === undefined) return;
      if (Object.hasOwn(sensors, input.sensor)) {
        throw new DefinitionError(source, [
          { field: `inputs[${index}].sensor`, message: `"${input.sensor}" is a measurement sensor, not an input` },
        ]);
      }
      inputSensors.set(input.sensor, index);
    });
    this.sensors = sensors;
    this.sensorUnits = units;
    this.inputSensors = inputSensors;
    if (document.filter.type === "pf" && document.filter.particles === undefined) {
      throw new DefinitionError(source, [{ field: "filter.particles", message: "required when filter.type is pf" }]);
    }
    // Build one filter now so a class that cannot make a filter (non-SPD P0, missing Jacobian) fails here.
    this.createFilter(0, {}, source);
  }

  /** Key of this class version: `class/<id>/<version>` (the twin.definitions.v1 key). */
  get key(): string {
    return `class/${this.id}/${this.version}`;
  }

  /** The transition model with binding or what-if parameter overrides applied. */
  transitionWith(parameters: Readonly<Record<string, number>>, source: string): TransitionModel {
    if (Object.keys(parameters).length === 0) return this.transition;
    try {
      return this.transition.withParameters(parameters);
    } catch (error) {
      throw asDefinitionError(error, source, "parameters");
    }
  }

  /**
   * x0 and P0 from the definition's per-variable initial mean and std, with overrides by variable name:
   * P0 = diag(std²).
   */
  initialState(overrides: TwinOverrides, source: string): InitialState {
    const n = this.stateNames.length;
    const x0 = new Float64Array(n);
    const P0 = new Float64Array(n * n);
    for (const name of Object.keys(overrides.initialMean ?? {})) checkVariable(this, name, source, "initial.mean");
    for (const name of Object.keys(overrides.initialStd ?? {})) checkVariable(this, name, source, "initial.std");
    this.document.state.forEach((s, i) => {
      x0[i] = overrides.initialMean?.[s.name] ?? s.initial.mean;
      const std = overrides.initialStd?.[s.name] ?? s.initial.std;
      P0[i * n + i] = std * std;
    });
    return { x0, P0 };
  }

  /** Builds a fresh filter of this class at time t0 (seconds) with binding overrides applied. */
  createFilter(t0: number, overrides: TwinOverrides, source: string): FilterBase {
    const { x0, P0 } = this.initialState(overrides, source);
    return this.createFilterFrom(this.transitionWith(overrides.parameters ?? {}, source), x0, P0, t0, source);
  }

  /** Builds a filter of this class around a given transition model and Gaussian state. */
  createFilterFrom(
    transition: TransitionModel,
    x0: Float64Array,
    P0: Float64Array,
    t0: number,
    source: string,
  ): FilterBase {
    const f = this.document.filter;
    const options = {
      transition,
      sensors: this.sensors,
      x0,
      P0,
      t0,
      ...(f.maxDt === undefined ? {} : { maxDt: f.maxDt }),
    };
    try {
      if (f.type === "kf") return new KalmanFilter(options);
      if (f.type === "ekf") return new ExtendedKalmanFilter(options);
      if (f.type === "pf") {
        const pf = f.particles ?? {
          count: 1000,
          resampling: "systematic" as const,
          essThreshold: 0.5,
          roughening: 0,
          seed: 1,
        };
        return new ParticleFilter({
          ...options,
          particles: pf.count,
          seed: pf.seed,
          resampler: pf.resampling,
          essThreshold: pf.essThreshold,
          roughening: pf.roughening,
        });
      }
      const sp = f.sigmaPoints ?? { scheme: "merwe" as const, alpha: 1e-3, beta: 2, kappa: 0 };
      const n = x0.length;
      const sigmaPoints =
        sp.scheme === "julier"
          ? new JulierSigmaPoints(n, sp.kappa)
          : new MerweScaledSigmaPoints(n, sp.alpha, sp.beta, sp.kappa);
      return new UnscentedKalmanFilter({ ...options, sigmaPoints });
    } catch (error) {
      throw asDefinitionError(error, source, "filter");
    }
  }
}

function checkVariable(twinClass: TwinClass, name: string, source: string, field: string): void {
  if (!twinClass.stateNames.includes(name)) {
    throw new DefinitionError(source, [
      {
        field: `${field}.${name}`,
        message: `not a state variable of ${twinClass.id} (${twinClass.stateNames.join(", ")})`,
      },
    ]);
  }
}

/** Converts an estimation-library construction error to a DefinitionError naming `field`. */
function asDefinitionError(error: unknown, source: string, field: string): Error {
  if (error instanceof DefinitionError) return error;
  if (error instanceof ModelParameterError) {
    return new DefinitionError(source, [{ field: `${field}.${error.parameter}`, message: error.message }]);
  }
  if (error instanceof ModelDeclarationError) {
    return new DefinitionError(source, [{ field: `${field}.${error.path}`, message: error.message }]);
  }
  if (error instanceof ExpressionError || error instanceof InvalidFilterConfigError || error instanceof RangeError) {
    return new DefinitionError(source, [{ field, message: error.message }]);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function buildTransition(document: TwinDefinitionDocument, source: string): TransitionModel {
  const stateNames = document.state.map((s) => s.name);
  const inputNames = document.inputs.map((i) => i.name);
  const model = document.model;
  let transition: TransitionModel;
  if ("expressions" in model) {
    const e = model.expressions;
    try {
      transition = new ExpressionTransitionModel({
        name: document.twinClass,
        state: document.state.map((s) => ({ name: s.name, unit: s.unit })),
        inputs: document.inputs.map((i) => ({ name: i.name, unit: i.unit })),
        parameters: e.parameters,
        dynamics: e.dynamics,
        processNoise: e.processNoise,
        ...(e.discretization === undefined
          ? {}
          : {
              discretization:
                e.discretization.substeps === undefined
                  ? { method: e.discretization.method }
                  : { method: e.discretization.method, substeps: e.discretization.substeps },
            }),
      });
    } catch (error) {
      throw asDefinitionError(error, source, "model.expressions");
    }
  } else {
    const p = model.parameters;
    const need = (name: string): number => {
      const v = p[name];
      if (v === undefined) {
        throw new DefinitionError(source, [
          { field: `model.parameters.${name}`, message: `required by built-in model ${model.builtin}` },
        ]);
      }
      return v;
    };
    const known: Record<string, readonly string[]> = {
      constant_velocity: ["q"],
      constant_acceleration: ["q"],
      first_order_thermal: ["R", "C", "ambient", "q"],
      battery_equivalent_circuit: ["capacityAh", "R1", "C1", "qSoc", "qV1"],
      damped_pendulum: ["g", "L", "c", "q"],
      damped_oscillator: ["k", "c", "m", "q"],
      linear_degradation: ["qHealth", "qRate"],
      random_walk: ["q"],
    };
    for (const name of Object.keys(p)) {
      if (!(known[model.builtin] ?? []).includes(name)) {
        throw new DefinitionError(source, [
          {
            field: `model.parameters.${name}`,
            message: `not a parameter of ${model.builtin} (known: ${(known[model.builtin] ?? []).join(", ")})`,
          },
        ]);
      }
    }
    try {
      const dimensions = model.dimensions ?? 1;
      switch (model.builtin) {
        case "constant_velocity":
          transition = new ConstantVelocity({ dimensions, q: need("q") });
          break;
        case "constant_acceleration":
          transition = new ConstantAcceleration({ dimensions, q: need("q") });
          break;
        case "first_order_thermal":
          transition = new FirstOrderThermal({ R: need("R"), C: need("C"), ambient: need("ambient"), q: need("q") });
          break;
        case "battery_equivalent_circuit":
          transition = new BatteryEquivalentCircuit({
            capacityAh: need("capacityAh"),
            R1: need("R1"),
            C1: need("C1"),
            qSoc: need("qSoc"),
            qV1: need("qV1"),
          });
          break;
        case "damped_pendulum":
          transition = new DampedPendulum({ g: need("g"), L: need("L"), c: need("c"), q: need("q") });
          break;
        case "damped_oscillator":
          transition = new DampedOscillator({ k: need("k"), c: need("c"), m: need("m"), q: need("q") });
          break;
        case "linear_degradation":
          transition = new LinearDegradation({ qHealth: need("qHealth"), qRate: need("qRate") });
          break;
        case "random_walk":
          transition = new RandomWalk({ stateNames, q: need("q") });
          break;
      }
    } catch (error) {
      throw asDefinitionError(error, source, "model.parameters");
    }
    if (!sameNames(transition.stateNames, stateNames)) {
      throw new DefinitionError(source, [
        {
          field: "state",
          message: `built-in model ${model.builtin} has state [${transition.stateNames.join(", ")}], declared [${stateNames.join(", ")}]`,
        },
      ]);
    }
    if (!sameNames(transition.inputNames, inputNames)) {
      throw new DefinitionError(source, [
        {
          field: "inputs",
          message: `built-in model ${model.builtin} has inputs [${transition.inputNames.join(", ")}], declared [${inputNames.join(", ")}]`,
        },
      ]);
    }
  }
  return transition;
}

function buildSensor(
  document: TwinDefinitionDocument,
  transition: TransitionModel,
  name: string,
  s: SensorDeclaration,
  source: string,
): MeasurementModel {
  const stateNames = document.state.map((v) => v.name);
  const field = `sensors.${name}`;
  const stateIndex = (state: string, where: string): number => {
    const i = stateNames.indexOf(state);
    if (i < 0) {
      throw new DefinitionError(source, [
        {
          field: `${field}.${where}`,
          message: `"${state}" is not a declared state variable (${stateNames.join(", ")})`,
        },
      ]);
    }
    return i;
  };
  try {
    switch (s.model) {
      case "direct":
        for (const [i, m] of s.measured.entries()) stateIndex(m, `measured[${i}]`);
        return new DirectMeasurement({
          name,
          stateNames,
          measured: s.measured,
          noiseStd: s.noiseStd,
          ...(s.angular === undefined ? {} : { angular: s.angular }),
        });
      case "linear": {
        s.H.forEach((row, i) => {
          if (row.length !== stateNames.length) {
            throw new DefinitionError(source, [
              { field: `${field}.H[${i}]`, message: `has ${row.length} columns, the state has ${stateNames.length}` },
            ]);
          }
        });
        return new LinearMeasurement({
          name,
          H: s.H,
          noiseStd: s.noiseStd,
          ...(s.measurementNames === undefined ? {} : { measurementNames: s.measurementNames }),
        });
      }
      case "range_bearing": {
        const [px, py] = s.position ?? ["x", "y"];
        return new RangeBearing({
          dimX: stateNames.length,
          positionIndices: [stateIndex(px, "position[0]"), stateIndex(py, "position[1]")],
          rangeStd: s.rangeStd,
          bearingStd: s.bearingStd,
        });
      }
      case "battery_terminal_voltage":
        if (transition.name !== "battery_equivalent_circuit") {
          throw new DefinitionError(source, [
            { field: `${field}.model`, message: "battery_terminal_voltage needs the battery_equivalent_circuit model" },
          ]);
        }
        return new BatteryTerminalVoltage({ ocv: new OpenCircuitVoltageCurve(s.ocv), R0: s.R0, noiseStd: s.noiseStd });
      case "expression":
        return new ExpressionMeasurementModel({
          name,
          state: document.state.map((v) => ({ name: v.name, unit: v.unit })),
          inputs: document.inputs.map((v) => ({ name: v.name, unit: v.unit })),
          parameters: s.parameters,
          measurements: s.measurements.map((m) =>
            m.angular === undefined
              ? { name: m.name, expr: m.expr, noiseStd: m.noiseStd }
              : { name: m.name, expr: m.expr, noiseStd: m.noiseStd, angular: m.angular },
          ),
        });
    }
  } catch (error) {
    throw asDefinitionError(error, source, field);
  }
}
