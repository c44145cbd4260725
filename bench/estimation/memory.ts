import { ConstantVelocity, KalmanFilter, PositionSelector, serializeFilter } from "@twinstate/estimation";

/** Filters allocated for the resident-size measurement. */
const COUNT = 10_000;

/**
 * memory_gaussian6: size of one 6-state Gaussian filter (KF on 3-D constant velocity with a 3-axis position
 * sensor, after a few steps so every lazily filled buffer exists).
 *
 * bytes_serialized: length of `serializeFilter` output. bytes_resident: (V8 heap used + array-buffer
 * memory) after allocating COUNT such filters, minus before, over COUNT, each measured after a full GC.
 * Needs `--expose-gc` (run.ts starts this file in a child process with it).
 */
export function measureGaussian6(): Record<string, number | string> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("memory.ts needs node --expose-gc");
  const transition = new ConstantVelocity({ dimensions: 3, q: 0.05 });
  const sensors = { position: { model: new PositionSelector({ model: transition, noiseStd: 0.5 }) } };
  const P0 = new Float64Array(36);
  for (let i = 0; i < 6; i++) P0[i * 7] = 1;
  const z = Float64Array.of(0.1, 0.2, 0.3);
  const make = () => {
    const f = new KalmanFilter({ transition, sensors, x0: new Float64Array(6), P0, t0: 0 });
    for (let k = 1; k <= 3; k++) {
      f.predict(0.1 * k);
      f.update("position", z);
    }
    return f;
  };
  const serialized = serializeFilter(make()).length;
  const held: KalmanFilter[] = [];
  make(); // first-use allocations (generated kernels, caches) happen before the baseline
  const used = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = used();
  for (let i = 0; i < COUNT; i++) held.push(make());
  const after = used();
  const arrayOverhead = 8 * COUNT; // the holding array's own slots
  return {
    case: "memory_gaussian6",
    filters: held.length,
    bytes_serialized: serialized,
    bytes_resident: Math.round((after - before - arrayOverhead) / COUNT),
  };
}

if (import.meta.main) process.stdout.write(`${JSON.stringify(measureGaussian6())}\n`);
