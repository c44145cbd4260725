import { describe, expect, test } from "@jest/globals";
import { BatteryEquivalentCircuit } from "../../src/models/builtin/battery-equivalent-circuit.ts";
import { BatteryTerminalVoltage } from "../../src/models/builtin/battery-terminal-voltage.ts";
import { ConstantAcceleration } from "../../src/models/builtin/constant-acceleration.ts";
import { ConstantVelocity } from "../../src/models/builtin/constant-velocity.ts";
import { DampedOscillator } from "../../src/models/builtin/damped-oscillator.ts";
import { DampedPendulum } from "../../src/models/builtin/damped-pendulum.ts";
import { DirectMeasurement } from "../../src/models/builtin/direct-measurement.ts";
import { FirstOrderThermal } from "../../src/models/builtin/first-order-thermal.ts";
import { LinearDegradation } from "../../src/models/builtin/linear-degradation.ts";
import { LinearMeasurement } from "../../src/models/builtin/linear-measurement.ts";
import { OpenCircuitVoltageCurve } from "../../src/models/builtin/open-circuit-voltage-curve.ts";
import { PositionSelector } from "../../src/models/builtin/position-selector.ts";
import { RandomWalk } from "../../src/models/builtin/random-walk.ts";
import { RangeBearing } from "../../src/models/builtin/range-bearing.ts";
import type { MeasurementModel } from "../../src/models/measurement-model.ts";
import type { TransitionModel } from "../../src/models/transition-model.ts";
import { finiteDifferenceJacobian, relativeError } from "./finite-difference.ts";
import { OCV_TABLE } from "./ocv-table.ts";
import { SeededNormal } from "./seeded-normal.ts";

const TOLERANCE = 1e-6;
const POINTS = 25;

/** Random state: component i uniform in [lo_i, hi_i]. */
type Box = readonly (readonly [number, number])[];

const transitions: [TransitionModel, Box, number][] = [
  [
    new ConstantVelocity({ dimensions: 1, q: 1 }),
    [
      [-50, 50],
      [-5, 5],
    ],
    0.3,
  ],
  [new ConstantVelocity({ dimensions: 3, q: 1 }), Array(6).fill([-50, 50]), 0.7],
  [new ConstantAcceleration({ dimensions: 2, q: 1 }), Array(6).fill([-10, 10]), 0.4],
  [new RandomWalk({ stateNames: ["a", "b", "c"], q: 1 }), Array(3).fill([-5, 5]), 2],
  [new FirstOrderThermal({ R: 0.5, C: 400, ambient: 20, q: 0.01 }), [[0, 100]], 30],
  [
    new BatteryEquivalentCircuit({ capacityAh: 2.5, R1: 0.015, C1: 2000, qSoc: 1e-9, qV1: 1e-6 }),
    [
      [0, 1],
      [-0.05, 0.05],
    ],
    10,
  ],
  [
    new DampedPendulum({ g: 9.81, L: 1.5, c: 0.2, q: 0.01 }),
    [
      [-3, 3],
      [-4, 4],
    ],
    0.1,
  ],
  [
    new DampedPendulum({ g: 9.81, L: 0.7, c: 0.5, q: 0.01, method: "euler", substeps: 7 }),
    [
      [-3, 3],
      [-4, 4],
    ],
    0.05,
  ],
  [
    new DampedOscillator({ k: 4, c: 0.4, m: 1, q: 0.1 }),
    [
      [-2, 2],
      [-2, 2],
    ],
    0.25,
  ],
  [
    new LinearDegradation({ qHealth: 0.01, qRate: 1e-5 }),
    [
      [0, 100],
      [-1, 1],
    ],
    5,
  ],
];

const ocv = new OpenCircuitVoltageCurve(OCV_TABLE);
const measurements: [MeasurementModel, Box, Float64Array][] = [
  [
    new PositionSelector({ model: new ConstantVelocity({ dimensions: 2, q: 1 }), noiseStd: 1 }),
    Array(4).fill([-9, 9]),
    new Float64Array(0),
  ],
  [
    new LinearMeasurement({
      H: [
        [1, 2, 0],
        [0, -1, 3],
      ],
      noiseStd: 1,
    }),
    Array(3).fill([-9, 9]),
    new Float64Array(0),
  ],
  [
    new DirectMeasurement({ stateNames: ["a", "b"], measured: ["b"], noiseStd: 1 }),
    Array(2).fill([-9, 9]),
    new Float64Array(0),
  ],
  [
    new RangeBearing({ dimX: 4, rangeStd: 1, bearingStd: 0.01 }),
    [
      [-100, 100],
      [-3, 3],
      [-100, 100],
      [-3, 3],
    ],
    new Float64Array(0),
  ],
  [
    new BatteryTerminalVoltage({ ocv, R0: 0.02, noiseStd: 0.01 }),
    [
      [0.01, 0.99],
      [-0.05, 0.05],
    ],
    Float64Array.of(3),
  ],
];

function sample(rng: SeededNormal, box: Box): Float64Array {
  return Float64Array.from(box, ([lo, hi]) => lo + (hi - lo) * rng.uniform());
}

/** True when soc sits within the finite-difference step of an OCV breakpoint (the curve has kinks there). */
function nearBreakpoint(soc: number): boolean {
  return OCV_TABLE.some(([s]) => Math.abs(soc - s) < 1e-5);
}

describe("analytic Jacobians agree with central finite differences at random points", () => {
  for (const [model, box, dt] of transitions) {
    test(`transition ${model.name}${model.name === "damped_pendulum" ? ` (${(model as DampedPendulum).method})` : ""}`, () => {
      const rng = new SeededNormal(11);
      const u = Float64Array.from({ length: model.dimU }, () => 2);
      const n = model.dimX;
      let worst = 0;
      for (let k = 0; k < POINTS; k++) {
        const x = sample(rng, box);
        const J = new Float64Array(n * n);
        model.jacobian!(x, dt, u, J);
        const fd = finiteDifferenceJacobian((xx, out) => model.f(xx, dt, u, out), x, n);
        worst = Math.max(worst, relativeError(J, fd));
      }
      expect(worst).toBeLessThan(TOLERANCE);
    });
  }

  for (const [model, box, u] of measurements) {
    test(`measurement ${model.name}`, () => {
      const rng = new SeededNormal(12);
      let worst = 0;
      let checked = 0;
      while (checked < POINTS) {
        const x = sample(rng, box);
        if (model.name === "battery_terminal_voltage" && nearBreakpoint(x[0])) continue;
        const H = new Float64Array(model.dimZ * model.dimX);
        model.jacobian!(x, u, H);
        const fd = finiteDifferenceJacobian((xx, out) => model.h(xx, u, out), x, model.dimZ);
        worst = Math.max(worst, relativeError(H, fd));
        checked++;
      }
      expect(worst).toBeLessThan(TOLERANCE);
    });
  }
});
