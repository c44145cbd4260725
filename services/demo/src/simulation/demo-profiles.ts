import { createBuiltinMeasurementModel, createBuiltinTransitionModel, type Xoshiro128 } from "@twinstate/estimation";
import type { ClassProfile } from "./class-profile.ts";

const uniform = (rng: Xoshiro128, lo: number, hi: number): number => lo + (hi - lo) * rng.nextFloat();

/**
 * Oven (`demo-oven-thermal`): first-order thermal truth, heater power switched among 0–4 kW every few
 * minutes (mean 150 s), temperature sensor σ 0.3 K.
 */
export function ovenProfile(): ClassProfile {
  const transition = createBuiltinTransitionModel("first_order_thermal", {
    R: 0.05,
    C: 20000,
    ambient: 293.15,
    q: 0.002,
  });
  return {
    twinClass: "demo-oven-thermal",
    tenant: "acme",
    assetPrefix: "oven",
    transition,
    measurement: createBuiltinMeasurementModel("direct", { measured: ["T"], noiseStd: 0.3 }, transition),
    sensor: "outlet_temp",
    unit: "K",
    noiseStd: 0.3,
    wrongUnit: "kPa",
    outOfRange: 5000,
    input: { sensor: "heater_power", unit: "W", index: 0 },
    initialState: (rng) => [uniform(rng, 295, 420)],
    control(_x, u, rng, dt) {
      if (rng.nextFloat() >= dt / 150) return false;
      u[0] = [0, 1000, 2000, 3000, 4000][Math.floor(rng.nextFloat() * 5)]!;
      return true;
    },
  };
}

/**
 * Battery cell (`demo-battery-ecm`): equivalent-circuit truth, discharged at 0.8–2 A until the state of charge
 * falls below 0.2, then charged at 1 A up to 0.9; terminal voltage σ 5 mV.
 */
export function cellProfile(): ClassProfile {
  const transition = createBuiltinTransitionModel("battery_equivalent_circuit", {
    capacityAh: 0.5,
    R1: 0.015,
    C1: 2400,
    qSoc: 1.0e-8,
    qV1: 1.0e-6,
  });
  const ocv = [
    [0.0, 3.0],
    [0.1, 3.45],
    [0.3, 3.6],
    [0.5, 3.7],
    [0.7, 3.85],
    [0.9, 4.05],
    [1.0, 4.2],
  ];
  return {
    twinClass: "demo-battery-ecm",
    tenant: "volta",
    assetPrefix: "cell",
    transition,
    measurement: createBuiltinMeasurementModel(
      "battery_terminal_voltage",
      { ocv, R0: 0.02, noiseStd: 0.005 },
      transition,
    ),
    sensor: "terminal_voltage",
    unit: "V",
    noiseStd: 0.005,
    wrongUnit: "A",
    outOfRange: 12,
    input: { sensor: "current", unit: "A", index: 0 },
    initialState: (rng) => [uniform(rng, 0.5, 0.9), 0],
    control(x, u, rng) {
      const soc = x[0]!;
      if (u[0]! >= 0 && soc < 0.2) {
        u[0] = -1;
        return true;
      }
      if (u[0]! <= 0 && soc > 0.9) {
        u[0] = 0.8 + 1.2 * rng.nextFloat();
        return true;
      }
      if (u[0] === 0) {
        u[0] = 0.8 + 1.2 * rng.nextFloat();
        return true;
      }
      return false;
    },
  };
}

/** Vehicle (`demo-vehicle-cv`): 2-D constant-velocity truth, GNSS fixes [x, y] with σ 3 m. */
export function vehicleProfile(): ClassProfile {
  const transition = createBuiltinTransitionModel("constant_velocity", { dimensions: 2, q: 0.05 });
  return {
    twinClass: "demo-vehicle-cv",
    tenant: "fleet",
    assetPrefix: "truck",
    transition,
    measurement: createBuiltinMeasurementModel("direct", { measured: ["x", "y"], noiseStd: 3 }, transition),
    sensor: "gnss",
    unit: "m",
    noiseStd: 3,
    wrongUnit: "s",
    outOfRange: 5e6,
    initialState: (rng) => [
      uniform(rng, -500, 500),
      uniform(rng, -10, 10),
      uniform(rng, -500, 500),
      uniform(rng, -10, 10),
    ],
  };
}

/**
 * Pendulum (`demo-pendulum-pf`, particle filter): lightly damped pendulum truth, angle sensor σ 0.03 rad.
 * Faults are bias steps and noise bursts only: a stuck angle for half a minute collapses the particle cloud
 * onto a pendulum at rest, whose predictions the gate then refuses every later reading against, so the twin
 * would never re-acquire (the twin engine has no re-acquisition path for a twin that lost track).
 */
export function pendulumProfile(): ClassProfile {
  const transition = createBuiltinTransitionModel("damped_pendulum", { g: 9.81, L: 1.2, c: 0.002, q: 0.0005 });
  return {
    twinClass: "demo-pendulum-pf",
    tenant: "lab",
    assetPrefix: "pendulum",
    transition,
    measurement: createBuiltinMeasurementModel(
      "direct",
      { measured: ["theta"], noiseStd: 0.03, angular: ["theta"] },
      transition,
    ),
    sensor: "angle",
    unit: "rad",
    angular: true,
    faults: ["bias", "noise"],
    noiseStd: 0.03,
    wrongUnit: "kg",
    outOfRange: 50,
    initialState: (rng) => [uniform(rng, 0.3, 0.7), 0],
  };
}

/** Every class the demo simulates, in a fixed order (asset seeds depend on it). */
export function demoProfiles(): ClassProfile[] {
  return [ovenProfile(), cellProfile(), vehicleProfile(), pendulumProfile()];
}
