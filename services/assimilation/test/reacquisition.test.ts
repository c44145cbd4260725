import { readFileSync } from "node:fs";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { describe, expect, test } from "@jest/globals";
import { EstimateStatus, type StateEstimate, StateEstimateSchema, TwinCheckpointSchema } from "@twinstate/proto";
import { DefinitionCatalog } from "../src/definitions/definition-catalog.ts";
import { loadAssetBindingsFile, parseTwinDefinition } from "../src/definitions/load-twin-definition.ts";
import { REACQUIRED_REASON, TwinEngine } from "../src/engine/twin-engine.ts";
import { reading, repoRoot, seeded } from "./reading-fixtures.ts";

/** The example thermal and kinematic classes with `reacquireAfter` set on every gate, and their bindings. */
function catalogWith(reacquireAfter: number | undefined): DefinitionCatalog {
  const catalog = new DefinitionCatalog();
  for (const f of ["thermal-rc.yaml", "kinematic-cv.yaml"]) {
    let text = readFileSync(`${repoRoot}deploy/twins/${f}`, "utf8");
    if (reacquireAfter !== undefined) {
      text = text.replaceAll(
        /gate: \{ probability: ([0-9.]+) \}/g,
        `gate: { probability: $1, reacquireAfter: ${reacquireAfter} }`,
      );
    }
    catalog.putClass(parseTwinDefinition(text, "yaml", f));
  }
  for (const b of loadAssetBindingsFile(`${repoRoot}deploy/twins/bindings.yaml`)) {
    if (b.asset === "acme/oven-1" || b.asset === "fleet/truck-4") catalog.bind(b, "bindings.yaml");
  }
  return catalog;
}

const T0 = 1_800_000_000;

/** An oven at 300 K whose true temperature steps to 350 K at reading `stepAt` (e.g. the simulator restarted). */
function ovenStep(count: number, stepAt: number, seed: number) {
  const rand = seeded(seed);
  return Array.from({ length: count }, (_, i) =>
    reading("acme/oven-1", "outlet_temp", T0 + i, (i < stepAt ? 300 : 350) + (rand() - 0.5) * 0.2, "K"),
  );
}

/** A vehicle parked at (10, 20) whose fixes jump to (5000, −3000) at reading `stepAt` (lag-window class). */
function truckJump(count: number, stepAt: number, seed: number) {
  const rand = seeded(seed);
  return Array.from({ length: count }, (_, i) => {
    const [x, y] = i < stepAt ? [10, 20] : [5000, -3000];
    return reading("fleet/truck-4", "gnss", T0 + i + 0.5, [x + (rand() - 0.5) * 2, y + (rand() - 0.5) * 2], "m");
  });
}

function statuses(estimates: readonly StateEstimate[]): EstimateStatus[] {
  return estimates.map((e) => e.status);
}

describe("re-acquisition of a twin that has lost track", () => {
  test("after reacquireAfter gated readings the next one re-acquires, visibly, and the twin tracks again", () => {
    const told: string[] = [];
    const engine = new TwinEngine(catalogWith(5), { onReacquisition: (c) => told.push(c) });
    const out = ovenStep(80, 40, 3).map((r) => engine.process(r));
    // converged on 300 K before the step
    expect(out.slice(20, 40).every((e) => e.status === EstimateStatus.OK)).toBe(true);
    expect(statuses(out.slice(40, 45))).toEqual(Array(5).fill(EstimateStatus.GATED));
    const re = out[45] as StateEstimate;
    expect(re.status).toBe(EstimateStatus.OK);
    expect(re.statusReason.startsWith(`${REACQUIRED_REASON}: re-acquired after 5 consecutive gated readings`)).toBe(
      true,
    );
    expect(re.innovation?.gated).toBe(false);
    expect(re.innovation?.nis).toBeLessThanOrEqual(re.innovation?.gateThreshold ?? 0);
    expect(Math.abs((re.mean[0] as number) - 350)).toBeLessThan(1);
    for (const e of out.slice(46)) {
      expect(e.status).toBe(EstimateStatus.OK);
      expect(e.statusReason).toBe("");
      expect(e.innovation?.nis).toBeLessThan(e.innovation?.gateThreshold ?? 0);
      expect(Math.abs((e.mean[0] as number) - 350)).toBeLessThan(0.5);
    }
    expect(told).toEqual(["thermal-rc"]);
    expect(engine.reacquisitions.get("thermal-rc")).toBe(1);
  });

  test("the default (10) applies when the gate does not say, and a lag-window (UKF) twin re-acquires too", () => {
    const engine = new TwinEngine(catalogWith(undefined));
    const oven = ovenStep(70, 30, 5).map((r) => engine.process(r));
    expect(statuses(oven.slice(30, 40))).toEqual(Array(10).fill(EstimateStatus.GATED));
    expect(oven[40]?.statusReason.startsWith(REACQUIRED_REASON)).toBe(true);
    expect(oven.slice(41).every((e) => e.status === EstimateStatus.OK)).toBe(true);
    const truck = truckJump(60, 20, 6).map((r) => engine.process(r));
    expect(truck.slice(5, 20).every((e) => e.status === EstimateStatus.OK)).toBe(true);
    expect(statuses(truck.slice(20, 30))).toEqual(Array(10).fill(EstimateStatus.GATED));
    expect(truck[30]?.status).toBe(EstimateStatus.OK);
    expect(truck[30]?.statusReason.startsWith(REACQUIRED_REASON)).toBe(true);
    expect(truck.slice(31).every((e) => e.status === EstimateStatus.OK)).toBe(true);
    const last = truck.at(-1) as StateEstimate;
    expect(Math.abs((last.mean[0] as number) - 5000)).toBeLessThan(5);
    expect(Math.abs((last.mean[2] as number) + 3000)).toBeLessThan(5);
  });

  test("reacquireAfter: 0 keeps the old behaviour: gated forever", () => {
    const engine = new TwinEngine(catalogWith(0));
    const out = ovenStep(80, 40, 3).map((r) => engine.process(r));
    expect(statuses(out.slice(40))).toEqual(Array(40).fill(EstimateStatus.GATED));
    expect(engine.reacquisitions.size).toBe(0);
  });

  test("determinism: checkpoint/restore at random points during the divergence is bit-identical", () => {
    const oven = ovenStep(120, 30, 11);
    const truck = truckJump(120, 50, 12);
    const readings = oven.flatMap((r, i) => [r, truck[i] as (typeof truck)[number]]);
    const reference = new TwinEngine(catalogWith(4));
    const expected = readings.map((r, i) =>
      toBinary(StateEstimateSchema, reference.process(r, { partition: 0, offset: BigInt(i) })),
    );
    expect(reference.reacquisitions.get("thermal-rc")).toBe(1);
    expect(reference.reacquisitions.get("kinematic-cv")).toBe(1);
    const rand = seeded(99);
    let engine = new TwinEngine(catalogWith(4));
    let restores = 0;
    for (let i = 0; i < readings.length; i++) {
      if (rand() < 0.15 || (i >= 60 && i <= 70)) {
        const checkpoints = [...engine.twins()].map((t) => engine.checkpoint(t.key));
        engine = new TwinEngine(catalogWith(4));
        for (const c of checkpoints)
          engine.restore(fromBinary(TwinCheckpointSchema, toBinary(TwinCheckpointSchema, c)));
        restores++;
      }
      const got = toBinary(StateEstimateSchema, engine.process(readings[i]!, { partition: 0, offset: BigInt(i) }));
      expect(Buffer.from(got).equals(Buffer.from(expected[i]!))).toBe(true);
    }
    expect(restores).toBeGreaterThan(10);
  });

  test("a version-2 checkpoint (no counter) restores with the counter at 0", () => {
    const engine = new TwinEngine(catalogWith(3));
    const out = ovenStep(45, 40, 3).map((r) => engine.process(r));
    expect(statuses(out.slice(40))).toEqual([
      EstimateStatus.GATED,
      EstimateStatus.GATED,
      EstimateStatus.GATED,
      EstimateStatus.OK,
      EstimateStatus.OK,
    ]);
    // Rebuild the state as version 2 wrote it: no u32 counter after the has-last byte.
    const engine2 = new TwinEngine(catalogWith(3));
    const gated = ovenStep(43, 40, 3).map((r) => engine2.process(r));
    expect(statuses(gated.slice(40))).toEqual(Array(3).fill(EstimateStatus.GATED));
    const v3 = engine2.checkpoint("acme/oven-1");
    const view = new DataView(v3.state.buffer, v3.state.byteOffset, v3.state.byteLength);
    let o = 1;
    o += 4 + view.getUint32(o, true);
    o += 4 + view.getUint32(o, true);
    expect(v3.state[o]).toBe(0); // not quarantined: no last block
    o += 1;
    expect(view.getUint32(o, true)).toBe(3);
    const v2State = new Uint8Array(v3.state.length - 4);
    v2State.set(v3.state.subarray(0, o));
    v2State.set(v3.state.subarray(o + 4), o);
    v2State[0] = 2;
    const restored = new TwinEngine(catalogWith(3));
    const twin = restored.restore(create(TwinCheckpointSchema, { ...v3, formatVersion: 2, state: v2State }));
    expect(twin.gatedRun).toBe(0);
    // the counter starts again from 0: three more gated readings before the re-acquisition
    const more = ovenStep(50, 40, 3)
      .slice(43)
      .map((r) => restored.process(r));
    expect(statuses(more.slice(0, 3))).toEqual(Array(3).fill(EstimateStatus.GATED));
    expect(more[3]?.statusReason.startsWith(REACQUIRED_REASON)).toBe(true);
  });
});
