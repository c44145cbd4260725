import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { SensorReadingSchema, type ValidatedReading, ValidatedReadingSchema } from "@twinstate/proto";
import { DefinitionCatalog } from "../src/definitions/definition-catalog.ts";
import { loadAssetBindingsFile, loadTwinDefinitionFile } from "../src/definitions/load-twin-definition.ts";
import { secondsToTimestamp } from "../src/engine/event-time.ts";

/** Repository root relative to this file. */
export const repoRoot = new URL("../../../", import.meta.url).pathname;

/** A catalog with the example classes of deploy/twins and its bindings. */
export function exampleCatalog(): DefinitionCatalog {
  const catalog = new DefinitionCatalog();
  for (const f of ["thermal-rc.yaml", "battery-ecm.yaml", "kinematic-cv.yaml", "pendulum-expr.yaml"]) {
    catalog.putClass(loadTwinDefinitionFile(`${repoRoot}deploy/twins/${f}`));
  }
  for (const b of loadAssetBindingsFile(`${repoRoot}deploy/twins/bindings.yaml`)) catalog.bind(b, "bindings.yaml");
  return catalog;
}

/** Deterministic PRNG (mulberry32) so fixtures are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One validated reading. */
export function reading(
  asset: string,
  sensor: string,
  tSeconds: number,
  value: number | readonly number[],
  unit: string,
): ValidatedReading {
  const [tenant, name] = asset.split("/") as [string, string];
  return create(ValidatedReadingSchema, {
    reading: create(SensorReadingSchema, {
      tenant,
      asset: name,
      sensor,
      eventTime: secondsToTimestamp(tSeconds),
      unit,
      value:
        typeof value === "number" ? { case: "scalar", value } : { case: "vector", value: { components: [...value] } },
    }),
    canonicalUnit: unit,
    originalUnit: unit,
    ingestionTime: timestampFromMs(1_800_000_000_000 + Math.round(tSeconds)),
  });
}

/**
 * A mixed stream over the example assets: oven temperatures and heater power, a battery's current and
 * voltage, a vehicle's GNSS and radar fixes, with an occasional outlier, an unknown sensor and an unbound
 * asset, in event-time order per asset.
 */
export function mixedReadings(count: number, seed = 1): ValidatedReading[] {
  const rand = seeded(seed);
  const out: ValidatedReading[] = [];
  let t = 1_800_000_000;
  for (let i = 0; i < count; i++) {
    t += 0.5 + rand();
    const k = i % 7;
    const noise = (rand() - 0.5) * 0.4;
    if (k === 0) out.push(reading("acme/oven-1", "outlet_temp", t, 300 + 5 * Math.sin(i / 50) + noise, "K"));
    else if (k === 1) out.push(reading("acme/oven-2", "outlet_temp", t, rand() < 0.02 ? 900 : 310 + noise, "K"));
    else if (k === 2) out.push(reading("acme/oven-1", "heater_power", t, 100 * Math.round(rand() * 5), "W"));
    else if (k === 3)
      out.push(
        reading(
          "acme/cell-17",
          i % 2 === 0 ? "current" : "terminal_voltage",
          t,
          i % 2 === 0 ? 1 + rand() : 3.9 + noise / 10,
          i % 2 === 0 ? "A" : "V",
        ),
      );
    else if (k === 4) out.push(reading("fleet/truck-4", "gnss", t, [0.01 * i + noise, 0.02 * i - noise], "m"));
    else if (k === 5)
      out.push(
        reading(
          "fleet/truck-4",
          "radar",
          t,
          [Math.hypot(0.01 * i, 0.02 * i) + 1, Math.atan2(0.02 * i, 0.01 * i + 1e-9)],
          "m",
        ),
      );
    else
      out.push(
        rand() < 0.5
          ? reading("acme/oven-1", "no_such_sensor", t, 1, "K")
          : reading("acme/unbound", "outlet_temp", t, 1, "K"),
      );
  }
  return out;
}
