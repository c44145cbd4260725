import { ReferenceRng } from "./reference-rng.ts";

/** Fixed step of every reference case, seconds. */
export const DT = 0.1;

/** Measurements z (2 per step) and the true positions (x, y per step) they were drawn around. */
export interface ReferenceData {
  readonly z: Float64Array;
  readonly truth: Float64Array;
}

/**
 * The reference truth at step k (ref.c `truth_at`): a smooth bounded path in the x > 0 half-plane,
 * x = 60 + 20 cos(0.013 t), y = 30 sin(0.021 t), t = DT·k; returns [x, vx, y, vy].
 */
export function truthAt(k: number): [number, number, number, number] {
  const t = DT * k;
  const a = 0.013;
  const b = 0.021;
  return [60 + 20 * Math.cos(a * t), -20 * a * Math.sin(a * t), 30 * Math.sin(b * t), 30 * b * Math.cos(b * t)];
}

/** wrap to [−π, π) exactly as ref.c `wrap_pi` (fmod, then shift): JavaScript `%` is C's fmod. */
export function wrapPi(a: number): number {
  let m = (a + Math.PI) % (2 * Math.PI);
  if (m < 0) m += 2 * Math.PI;
  return m - Math.PI;
}

/** Noisy position fixes z = (x, y) + σ·N(0, I) for steps 1…n (ref.c `bench_kf`/`bench_pf` data). */
export function positionData(n: number, seed: number, sigma: number): ReferenceData {
  const rng = new ReferenceRng(seed);
  const z = new Float64Array(2 * n);
  const truth = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    const xt = truthAt(k + 1);
    const [a, b] = rng.gauss2();
    z[2 * k] = xt[0] + sigma * a;
    z[2 * k + 1] = xt[2] + sigma * b;
    truth[2 * k] = xt[0];
    truth[2 * k + 1] = xt[2];
  }
  return { z, truth };
}

/** Range/bearing readings from the origin, σr = 0.3, σb = 0.5° (ref.c `make_rb_data`). */
export function rangeBearingData(n: number, seed: number): ReferenceData {
  const rng = new ReferenceRng(seed);
  const z = new Float64Array(2 * n);
  const truth = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    const xt = truthAt(k + 1);
    const [a, b] = rng.gauss2();
    z[2 * k] = Math.sqrt(xt[0] * xt[0] + xt[2] * xt[2]) + 0.3 * a;
    z[2 * k + 1] = wrapPi(Math.atan2(xt[2], xt[0]) + ((0.5 * Math.PI) / 180) * b);
    truth[2 * k] = xt[0];
    truth[2 * k + 1] = xt[2];
  }
  return { z, truth };
}
