/**
 * The common shape of every streaming drift detector: one sample in, at most one detection out.
 *
 * Why: the drift service treats detectors uniformly — it routes samples, publishes detections as
 * `DriftEvent`s, answers `GetDetectorState` from `state()`, and stores `toBytes()` in the compacted
 * changelog so a restored detector continues bit-identically.
 */

/** How serious a detection is; the alerting service routes on it. */
export type Severity = "info" | "warning" | "critical";

/** Direction of the change a detector saw, where it has one. */
export type ChangeDirection = "up" | "down";

/** Position of a sample in its stream: the sensor's reading index and, when known, its event time (ms). */
export interface SamplePosition {
  /** 0-based index of the sample in the sensor's stream. */
  readonly index: number;
  /** Event time of the measurement in milliseconds since the epoch, if the caller passed one. */
  readonly time?: number;
}

/** One scalar observation for a univariate detector (a normalized innovation, an error indicator, ...). */
export interface ScalarSample extends SamplePosition {
  readonly value: number;
}

/** One detection: what fired, how strongly, and since when the change probably holds. */
export interface DetectorResult {
  /** Detector instance name, e.g. "cusum" or "cusum[1]" for the second measurement component. */
  readonly detector: string;
  /** Value of the test statistic at detection. */
  readonly statistic: number;
  /** Threshold the statistic crossed (for p-value tests: the significance level alpha). */
  readonly threshold: number;
  /** The sample at which the detection was made. */
  readonly at: SamplePosition;
  /** Estimated first sample of the change (e.g. CUSUM: the sample after its statistic last was zero). */
  readonly onset: SamplePosition;
  readonly severity: Severity;
  readonly direction?: ChangeDirection;
  /** Detector-specific numbers worth logging (estimated shift, window mean, p-value, ...). */
  readonly details?: Readonly<Record<string, number>>;
}

/** Introspection for `GetDetectorState`: where the detector stands right now. */
export interface DetectorState {
  readonly detector: string;
  /** Current value of the test statistic (same scale as `threshold`). */
  readonly statistic: number;
  readonly threshold: number;
  /** Samples seen since the last reset (detections reset the detector). */
  readonly samplesSinceReset: number;
  /** Samples seen over the detector's whole life. */
  readonly samplesSeen: number;
  /** Detections over the detector's whole life. */
  readonly detections: number;
  /** Detector-specific extra figures (window width, running mean, ...). */
  readonly extra?: Readonly<Record<string, number>>;
}

/**
 * A streaming change detector over samples of type `TSample`.
 *
 * After a detection the detector resets (River semantics): the next sample starts a fresh test, so one
 * lasting fault yields one detection per detector and not a detection per sample.
 */
export interface DriftDetector<TSample> {
  /** Instance name, used as `DetectorResult.detector`. */
  readonly name: string;
  /** Feed one sample; returns a detection when this sample completes one. */
  update(sample: TSample): DetectorResult | undefined;
  /** Current statistic, threshold and counts. */
  state(): DetectorState;
  /** Forget the test's accumulated evidence (counts of samples seen and detections are kept). */
  reset(): void;
  /** Compact, bit-exact serialization of configuration and state (restore with the class's `fromBytes`). */
  toBytes(): Uint8Array;
}
