/**
 * The twin classes and bindings the assimilation benchmark runs: a 2-D constant-velocity Kalman twin for
 * most assets, the UKF kinematic twin and the particle-filter pendulum of deploy/twins for a mix.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));

/** A 2-D constant-velocity Kalman twin with a GNSS position sensor (the "Gaussian twin" of the figures). */
export const benchCvYaml = `
twinClass: bench-cv
version: 1
state:
  - { name: x, unit: m, initial: { mean: 0, std: 100 } }
  - { name: vx, unit: m/s, initial: { mean: 0, std: 10 } }
  - { name: y, unit: m, initial: { mean: 0, std: 100 } }
  - { name: vy, unit: m/s, initial: { mean: 0, std: 10 } }
model: { builtin: constant_velocity, dimensions: 2, parameters: { q: 0.5 } }
filter: { type: kf, maxDt: 3600 }
sensors:
  gnss: { model: direct, unit: m, measured: [x, y], noiseStd: 3, gate: { probability: 0.9999 } }
forecast: { horizon: 60, step: 1, levels: [0.95] }
`;

/** Which class an asset index uses: 1 % particle filter, 9 % UKF, the rest constant-velocity KF. */
export function classOf(i: number): "pendulum-expr" | "kinematic-cv" | "bench-cv" {
  if (i % 100 === 0) return "pendulum-expr";
  if (i % 100 < 10) return "kinematic-cv";
  return "bench-cv";
}

/** Writes the definition and binding files for `assets` assets; returns their paths. */
export function writeBenchFiles(assets: number): { definitions: string[]; bindings: string } {
  const dir = mkdtempSync(join(tmpdir(), "twinstate-bench-"));
  writeFileSync(join(dir, "bench-cv.yaml"), benchCvYaml);
  const lines = ["bindings:"];
  for (let i = 0; i < assets; i++) lines.push(`  - { asset: bench/a${i}, twinClass: ${classOf(i)}, version: 1 }`);
  writeFileSync(join(dir, "bindings.yaml"), `${lines.join("\n")}\n`);
  return {
    definitions: [
      join(dir, "bench-cv.yaml"),
      `${root}deploy/twins/kinematic-cv.yaml`,
      `${root}deploy/twins/pendulum-expr.yaml`,
    ],
    bindings: join(dir, "bindings.yaml"),
  };
}
