import type { DetectorResult, DetectorState, SamplePosition } from "./detector.ts";
import { Adwin, type AdwinConfig } from "./detectors/adwin.ts";
import { Cusum, type CusumConfig } from "./detectors/cusum.ts";
import { type IntervalCoverageConfig, IntervalCoverageMonitor } from "./detectors/interval-coverage-monitor.ts";
import { type NisWindowConfig, NisWindowTest } from "./detectors/nis-window-test.ts";
import { type NoiseLevelConfig, NoiseLevelDetector } from "./detectors/noise-level-detector.ts";
import { PageHinkley, type PageHinkleyConfig } from "./detectors/page-hinkley.ts";
import { type StuckSensorConfig, StuckSensorDetector } from "./detectors/stuck-sensor-detector.ts";
import { DetectorStateFormatError } from "./errors/detector-state-format-error.ts";
import { InvalidDetectorConfigError } from "./errors/invalid-detector-config-error.ts";
import { InvalidSampleError } from "./errors/invalid-sample-error.ts";
import { DetectorKind } from "./state/detector-kind.ts";
import { StateReader } from "./state/state-reader.ts";
import { StateWriter } from "./state/state-writer.ts";
import { normalizedInnovationSquared, normalizeInnovation } from "./statistics/normalized-innovation.ts";

/** What the drift service reads off one estimate for one sensor: innovation, its covariance, the reading. */
export interface EstimateSample extends SamplePosition {
  /** Innovation y = z − h(x̂⁻), length dimZ. */
  readonly y: ArrayLike<number>;
  /** Innovation covariance S, dimZ × dimZ row-major. */
  readonly S: ArrayLike<number>;
  /** yᵀ S⁻¹ y; computed from y and S when absent. */
  readonly nis?: number;
  /** The raw reading z (stuck-sensor repeat test, coverage). */
  readonly reading?: ArrayLike<number>;
  /** Lower and upper bounds of the predicted interval for the reading (coverage monitor). */
  readonly lower?: ArrayLike<number>;
  readonly upper?: ArrayLike<number>;
}

/** A detector's section of the suite config: an override object, `false` to disable, absent for defaults. */
type Section<T> = Omit<T, "name"> | false;

/**
 * Per-twin-class drift detector configuration (the `drift` block of a twin definition). Every detector is
 * on by default with `DEFAULT_SUITE_CONFIG`'s parameters; an object overrides some of them, `false` turns
 * the detector off. ARL and probability targets are per sensor: with dimZ > 1 the suite spreads them over
 * the components (ARL₀·dimZ, α/dimZ per component).
 */
export interface DetectorSuiteConfig {
  readonly cusum?: Section<CusumConfig>;
  readonly pageHinkley?: Section<PageHinkleyConfig>;
  readonly adwin?: Section<AdwinConfig>;
  readonly nisWindow?: Section<Omit<NisWindowConfig, "dimZ">>;
  readonly coverage?: Section<IntervalCoverageConfig>;
  readonly stuckSensor?: Section<StuckSensorConfig>;
  readonly noiseLevel?: Section<NoiseLevelConfig>;
}

/**
 * Defaults tuned with the evaluation harness (docs/DRIFT.md) so that all detectors together stay under one
 * false alarm per 10 000 readings per sensor on clean streams while catching ≥ 90 % of major faults.
 */
export const DEFAULT_SUITE_CONFIG = {
  cusum: { k: 0.5, arl0: 100_000 },
  pageHinkley: { minInstances: 30, delta: 0.25, alpha: 1, mode: "both", arl0: 100_000 },
  adwin: { delta: 1e-4, clock: 32, maxBuckets: 5, minWindowLength: 5, gracePeriod: 10 },
  nisWindow: { window: 50, probability: 0.99999 },
  coverage: { window: 100, nominal: 0.9, alpha: 1e-5 },
  stuckSensor: { window: 20, falseAlarmProbability: 1e-7, repeats: 20 },
  noiseLevel: { upRatio: 4, downRatio: 0.25, sides: "both", arl0: 100_000 },
} as const satisfies Required<{ [K in keyof DetectorSuiteConfig]: Exclude<DetectorSuiteConfig[K], false> }>;

type Member =
  | { kind: typeof DetectorKind.cusum; component: number; detector: Cusum }
  | { kind: typeof DetectorKind.pageHinkley; component: number; detector: PageHinkley }
  | { kind: typeof DetectorKind.adwin; component: number; detector: Adwin }
  | { kind: typeof DetectorKind.nisWindow; component: number; detector: NisWindowTest }
  | { kind: typeof DetectorKind.intervalCoverage; component: number; detector: IntervalCoverageMonitor }
  | { kind: typeof DetectorKind.stuckSensor; component: number; detector: StuckSensorDetector }
  | { kind: typeof DetectorKind.noiseLevel; component: number; detector: NoiseLevelDetector };

const SUITE_TAG = 100;

/**
 * The configured detectors of one twin's sensor, fed from its estimates.
 *
 * Each estimate is normalized once (z_j = y_j/√S_jj, nis = yᵀS⁻¹y) and routed: CUSUM, Page-Hinkley, ADWIN
 * and the noise-level test see z_j per component, the NIS window sees nis, the coverage monitor sees
 * reading_j against [lower_j, upper_j], the stuck-sensor test sees z_j and reading_j. The whole suite
 * serializes to one blob for the changelog.
 */
export class DetectorSuite {
  readonly dimZ: number;
  private readonly members: Member[];
  private readonly z: Float64Array;

  private constructor(dimZ: number, members: Member[]) {
    this.dimZ = dimZ;
    this.members = members;
    this.z = new Float64Array(dimZ);
  }

  /** Builds the detectors `config` asks for, for a sensor whose measurement has `dimZ` components. */
  static create(config: DetectorSuiteConfig = {}, dimZ = 1): DetectorSuite {
    if (!Number.isInteger(dimZ) || dimZ < 1) {
      throw new InvalidDetectorConfigError("dimZ must be an integer ≥ 1", { dimZ });
    }
    const d = DEFAULT_SUITE_CONFIG;
    const members: Member[] = [];
    const label = (base: string, j: number): string => (dimZ === 1 ? base : `${base}[${j}]`);
    for (let j = 0; j < dimZ; j++) {
      if (config.cusum !== false) {
        const c = { ...d.cusum, ...config.cusum };
        const cfg: CusumConfig = c.h !== undefined ? { ...c, h: c.h } : { ...c, arl0: c.arl0 * dimZ };
        members.push({
          kind: DetectorKind.cusum,
          component: j,
          detector: new Cusum({ ...cfg, name: label("cusum", j) }),
        });
      }
      if (config.pageHinkley !== false) {
        const c: PageHinkleyConfig = { ...d.pageHinkley, ...config.pageHinkley };
        const cfg: PageHinkleyConfig =
          config.pageHinkley && config.pageHinkley.threshold !== undefined && config.pageHinkley.arl0 === undefined
            ? withoutArl(c)
            : { ...c, arl0: (c.arl0 ?? d.pageHinkley.arl0) * dimZ };
        members.push({
          kind: DetectorKind.pageHinkley,
          component: j,
          detector: new PageHinkley({ ...cfg, name: label("page_hinkley", j) }),
        });
      }
      if (config.adwin !== false) {
        const c = { ...d.adwin, ...config.adwin };
        members.push({
          kind: DetectorKind.adwin,
          component: j,
          detector: new Adwin({ ...c, delta: c.delta / dimZ, name: label("adwin", j) }),
        });
      }
      if (config.coverage !== false) {
        const c = { ...d.coverage, ...config.coverage };
        members.push({
          kind: DetectorKind.intervalCoverage,
          component: j,
          detector: new IntervalCoverageMonitor({ ...c, alpha: c.alpha / dimZ, name: label("interval_coverage", j) }),
        });
      }
      if (config.stuckSensor !== false) {
        const c = { ...d.stuckSensor, ...config.stuckSensor };
        members.push({
          kind: DetectorKind.stuckSensor,
          component: j,
          detector: new StuckSensorDetector({
            ...c,
            falseAlarmProbability: c.falseAlarmProbability / dimZ,
            name: label("stuck_sensor", j),
          }),
        });
      }
      if (config.noiseLevel !== false) {
        const c = { ...d.noiseLevel, ...config.noiseLevel };
        members.push({
          kind: DetectorKind.noiseLevel,
          component: j,
          detector: new NoiseLevelDetector({ ...c, arl0: c.arl0 * dimZ, name: label("noise_level", j) }),
        });
      }
    }
    if (config.nisWindow !== false) {
      const c = { ...d.nisWindow, ...config.nisWindow };
      members.push({
        kind: DetectorKind.nisWindow,
        component: 0,
        detector: new NisWindowTest({ ...c, dimZ, name: "nis_window" }),
      });
    }
    return new DetectorSuite(dimZ, members);
  }

  /** Names of the detectors in routing order. */
  get detectorNames(): string[] {
    return this.members.map((m) => m.detector.name);
  }

  /** Routes one estimate to every detector; returns the detections it completed (often none). */
  update(sample: EstimateSample): DetectorResult[] {
    const m = this.dimZ;
    const z = normalizeInnovation(sample.y, sample.S, this.z);
    const nis = sample.nis ?? normalizedInnovationSquared(sample.y, sample.S, m);
    const { reading, lower, upper } = sample;
    for (const arr of [reading, lower, upper]) {
      if (arr !== undefined && arr.length !== m) {
        throw new InvalidSampleError("reading or interval has the wrong dimension", { expected: m, got: arr.length });
      }
    }
    const pos = sample.time === undefined ? { index: sample.index } : { index: sample.index, time: sample.time };
    const out: DetectorResult[] = [];
    for (const member of this.members) {
      const j = member.component;
      let r: DetectorResult | undefined;
      switch (member.kind) {
        case DetectorKind.cusum:
        case DetectorKind.pageHinkley:
        case DetectorKind.adwin:
        case DetectorKind.noiseLevel:
          r = member.detector.update({ ...pos, value: z[j]! });
          break;
        case DetectorKind.nisWindow:
          r = member.detector.update({ ...pos, nis });
          break;
        case DetectorKind.intervalCoverage:
          if (reading !== undefined && lower !== undefined && upper !== undefined) {
            r = member.detector.update({ ...pos, value: reading[j]!, lower: lower[j]!, upper: upper[j]! });
          }
          break;
        case DetectorKind.stuckSensor:
          r = member.detector.update(
            reading !== undefined ? { ...pos, value: z[j]!, reading: reading[j]! } : { ...pos, value: z[j]! },
          );
          break;
      }
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  /** `GetDetectorState` for every detector of this sensor. */
  state(): DetectorState[] {
    return this.members.map((m) => m.detector.state());
  }

  /** Resets every detector. */
  reset(): void {
    for (const m of this.members) m.detector.reset();
  }

  /** One blob holding every detector's configuration and state. */
  toBytes(): Uint8Array {
    const w = new StateWriter(1024).header(SUITE_TAG).u32(this.dimZ).u32(this.members.length);
    for (const m of this.members) {
      const bytes = m.detector.toBytes();
      w.u8(m.kind).u32(m.component).u32(bytes.length).bytes(bytes);
    }
    return w.finish();
  }

  /** Restores a suite serialized with `toBytes`; it continues bit-identically. */
  static fromBytes(bytes: Uint8Array): DetectorSuite {
    const r = new StateReader(bytes).header(SUITE_TAG);
    const dimZ = r.u32();
    const n = r.u32();
    const members: Member[] = [];
    for (let i = 0; i < n; i++) {
      const kind = r.u8();
      const component = r.u32();
      if (component >= dimZ) throw new DetectorStateFormatError("component out of range", { component, dimZ });
      const blob = r.bytes(r.u32());
      members.push(restoreMember(kind, component, blob));
    }
    r.end();
    return new DetectorSuite(dimZ, members);
  }
}

function withoutArl(c: PageHinkleyConfig): PageHinkleyConfig {
  const { arl0: _ignored, ...rest } = c;
  return rest;
}

function restoreMember(kind: number, component: number, blob: Uint8Array): Member {
  switch (kind) {
    case DetectorKind.cusum:
      return { kind, component, detector: Cusum.fromBytes(blob) };
    case DetectorKind.pageHinkley:
      return { kind, component, detector: PageHinkley.fromBytes(blob) };
    case DetectorKind.adwin:
      return { kind, component, detector: Adwin.fromBytes(blob) };
    case DetectorKind.nisWindow:
      return { kind, component, detector: NisWindowTest.fromBytes(blob) };
    case DetectorKind.intervalCoverage:
      return { kind, component, detector: IntervalCoverageMonitor.fromBytes(blob) };
    case DetectorKind.stuckSensor:
      return { kind, component, detector: StuckSensorDetector.fromBytes(blob) };
    case DetectorKind.noiseLevel:
      return { kind, component, detector: NoiseLevelDetector.fromBytes(blob) };
    default:
      throw new DetectorStateFormatError(`unknown detector kind ${kind} in suite state`, { kind });
  }
}

/** Any detector this library serializes. */
export type AnyDetector = Member["detector"];

/** Restores any single detector from its `toBytes()` blob, dispatching on the kind tag in its header. */
export function restoreDetector(bytes: Uint8Array): AnyDetector {
  return restoreMember(StateReader.peekKind(bytes), 0, bytes).detector;
}
