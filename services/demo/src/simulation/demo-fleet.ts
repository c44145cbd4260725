import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type AssetBinding, AssetBindingSchema } from "@twinstate/proto";
import { type BadInputKind, BadInputKinds, corruptReading, MALFORMED_PAYLOAD } from "../faults/bad-input.ts";
import { encodeReading } from "../publish/encode-reading.ts";
import { AssetSimulator, type AssetSnapshot } from "./asset-simulator.ts";
import type { ClassProfile } from "./class-profile.ts";
import type { SimulatedReading } from "./simulated-reading.ts";

/** What became of a reading: sent on time, sent late (out of order), or one of the bad inputs. */
export type ReadingKind = "good" | "late" | BadInputKind;

/** One record for telemetry.raw.v1. */
export interface OutgoingReading {
  /** Kafka key `tenant/asset`. */
  readonly key: string;
  readonly value: Uint8Array;
  readonly kind: ReadingKind;
  readonly twinClass: string;
}

/** Options of {@link DemoFleet}. */
export interface DemoFleetOptions {
  readonly profiles: readonly ClassProfile[];
  readonly assetsPerClass: number;
  readonly seed: number;
  readonly startMs: number;
  readonly tickMs: number;
  readonly badInputRatio: number;
  readonly lateRatio: number;
  readonly gapRatio: number;
  readonly faultIntervalS: number;
  readonly firstFaultWithinS: number;
}

/** The demo's saved state: each asset's truth, by `tenant/asset`. */
export interface FleetSnapshot {
  readonly format: 1;
  readonly assets: Readonly<Record<string, AssetSnapshot>>;
}

/** Late readings are held at most this long (the demo twins' lag window is 10 s). */
const MAX_LATE_MS = 8000;

interface Held {
  readonly releaseTick: number;
  readonly record: OutgoingReading;
}

interface AssetNuisance {
  silentUntilMs: number;
  held: Held[];
}

/**
 * The simulated fleet: `assetsPerClass` assets of every class profile, each with its own seeded random
 * stream, and the nuisances of real sensor pipelines applied per tick: gaps (an asset silent for 5–15 s),
 * late readings (held 1–3 ticks, inside the lag window, so they arrive out of order) and bad input (see
 * `BadInputKinds`). Faults are injected by each asset's own FaultInjector.
 *
 * Why nuisances live here and not in the assets: they are properties of the transport, not of the physics,
 * and the truth must keep evolving while an asset is silent.
 */
export class DemoFleet {
  readonly assets: readonly AssetSimulator[];
  readonly #o: DemoFleetOptions;
  readonly #nuisance = new Map<AssetSimulator, AssetNuisance>();
  #tick = 0;

  constructor(options: DemoFleetOptions) {
    this.#o = options;
    const assets: AssetSimulator[] = [];
    options.profiles.forEach((profile, c) => {
      for (let i = 1; i <= options.assetsPerClass; i++) {
        const asset = new AssetSimulator({
          profile,
          asset: `${profile.assetPrefix}-${i}`,
          seed: options.seed * 7919 + c * 1009 + i,
          startMs: options.startMs,
          faultIntervalS: options.faultIntervalS,
          firstFaultWithinS: options.firstFaultWithinS,
        });
        assets.push(asset);
        this.#nuisance.set(asset, { silentUntilMs: 0, held: [] });
      }
    });
    this.assets = assets;
  }

  /**
   * The asset bindings of the fleet (class version 1, the initial mean = the asset's true initial state), as
   * published to twin.definitions.v1 keyed `binding/<tenant>/<asset>`. Deterministic for a seed, so a
   * restarted demo re-publishes identical bindings and the twins are not rebuilt.
   */
  bindings(nowMs: number): AssetBinding[] {
    return this.assets.map((a) =>
      create(AssetBindingSchema, {
        tenant: a.tenant,
        asset: a.asset,
        twinClassId: a.profile.twinClass,
        twinClassVersion: 1,
        initialMean: Object.fromEntries(a.profile.transition.stateNames.map((n, i) => [n, a.initialState[i]!])),
        boundAt: timestampFromMs(nowMs),
      }),
    );
  }

  /** Advances every asset to `nowMs` and returns the records to publish now, in publication order. */
  tick(nowMs: number): OutgoingReading[] {
    const out: OutgoingReading[] = [];
    const o = this.#o;
    const holdTicks = Math.max(1, Math.min(3, Math.floor(MAX_LATE_MS / o.tickMs)));
    for (const asset of this.assets) {
      const n = this.#nuisance.get(asset)!;
      const rng = asset.rng;
      const readings = asset.tick(nowMs);
      if (nowMs < n.silentUntilMs) continue;
      if (rng.nextFloat() < o.gapRatio) {
        n.silentUntilMs = nowMs + (5 + rng.nextFloat() * 10) * 1000;
        continue;
      }
      for (const reading of readings) {
        const r = rng.nextFloat();
        if (reading.primary && r < o.badInputRatio) {
          const kind = BadInputKinds[Math.floor(rng.nextFloat() * BadInputKinds.length)]!;
          out.push(...this.#bad(asset, reading, kind));
        } else if (reading.primary && r < o.badInputRatio + o.lateRatio) {
          const record = this.#record(asset, reading, "late");
          n.held.push({ releaseTick: this.#tick + 1 + Math.floor(rng.nextFloat() * holdTicks), record });
        } else {
          out.push(this.#record(asset, reading, "good"));
        }
      }
    }
    for (const n of this.#nuisance.values()) {
      const due = n.held.filter((h) => h.releaseTick <= this.#tick);
      if (due.length === 0) continue;
      n.held = n.held.filter((h) => h.releaseTick > this.#tick);
      for (const h of due) out.push(h.record);
    }
    this.#tick++;
    return out;
  }

  /** Every asset's truth, to resume from. */
  snapshot(): FleetSnapshot {
    return { format: 1, assets: Object.fromEntries(this.assets.map((a) => [a.key, a.snapshot()])) };
  }

  /** Resumes the assets found in a snapshot (others start fresh); returns how many were resumed. */
  restore(snapshot: FleetSnapshot): number {
    let resumed = 0;
    for (const a of this.assets) {
      const s = snapshot.assets[a.key];
      if (s === undefined) continue;
      a.restore(s);
      resumed++;
    }
    return resumed;
  }

  #record(asset: AssetSimulator, reading: SimulatedReading, kind: ReadingKind): OutgoingReading {
    return {
      key: asset.key,
      value: encodeReading({ tenant: asset.tenant, asset: asset.asset, ...reading }),
      kind,
      twinClass: asset.profile.twinClass,
    };
  }

  #bad(asset: AssetSimulator, reading: SimulatedReading, kind: BadInputKind): OutgoingReading[] {
    if (kind === "duplicate") {
      const good = this.#record(asset, reading, "good");
      return [good, { ...good, kind }];
    }
    if (kind === "malformed") {
      return [{ key: asset.key, value: MALFORMED_PAYLOAD, kind, twinClass: asset.profile.twinClass }];
    }
    return [this.#record(asset, corruptReading(kind, reading, asset.profile), kind)];
  }
}
