/** Severity of an alert (and of a drift event), lowest first. */
export const severities = ["info", "warning", "critical"] as const;
/** Severity of an alert: the `severity` label. */
export type Severity = (typeof severities)[number];

/** Drift detector algorithms, as named in rules (`DetectorKind` in twinstate.drift.v1 without the prefix). */
export const detectorKinds = [
  "cusum",
  "page_hinkley",
  "nis_window",
  "ewma",
  "adwin",
  "interval_coverage",
  "stuck_sensor",
  "noise_level",
] as const;
/** A drift detector algorithm named in a rule. */
export type DetectorKindName = (typeof detectorKinds)[number];

/** Which twins a rule applies to; an absent list matches everything. */
export interface RuleScope {
  readonly tenants?: readonly string[];
  readonly twinClasses?: readonly string[];
  readonly assets?: readonly string[];
}

/** What every rule kind has. */
export interface RuleBase {
  /** Unique rule id (across all loaded files); becomes `Alert.rule_id`. */
  readonly id: string;
  /** The `alertname` label (defaults to the id). */
  readonly alertname: string;
  readonly severity: Severity;
  /** How long (event time) the condition must hold before the alert fires; 0 fires at once. */
  readonly forMs: number;
  /** Extra identifying labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Annotation templates (`{{ asset }}`, `{{ value }}` …). */
  readonly annotations: Readonly<Record<string, string>>;
  readonly scope: RuleScope;
}

/** Fires on drift events; resolves when no matching event was seen for `resolveAfterMs` of event time. */
export interface DriftRule extends RuleBase {
  readonly kind: "drift";
  readonly detectors?: readonly string[];
  readonly detectorKinds?: readonly DetectorKindName[];
  /** Drift event severities that match (absent: all). */
  readonly eventSeverities?: readonly Severity[];
  readonly sensors?: readonly string[];
  readonly resolveAfterMs: number;
}

/** Fires while a state variable's posterior mean is above (or below) a limit. */
export interface ThresholdRule extends RuleBase {
  readonly kind: "threshold";
  readonly variable: string;
  readonly direction: "above" | "below";
  readonly limit: number;
  /** The condition clears only once the mean is back past `limit ∓ hysteresis`. */
  readonly hysteresis: number;
}

/**
 * Fires while the probability that a state variable crosses a limit within a horizon is at least `probability`
 * (see `crossingProbability` for the model).
 */
export interface PrognosticRule extends RuleBase {
  readonly kind: "prognostic";
  readonly variable: string;
  readonly direction: "above" | "below";
  readonly limit: number;
  readonly horizonMs: number;
  readonly probability: number;
  /** State variable holding d(variable)/dt in variable units per second, when the twin has one. */
  readonly rateVariable?: string;
  /** Random-walk variance added per second of horizon (variable units² / s); 0 by default. */
  readonly diffusion: number;
}

/** Fires while a twin is quarantined (estimate status QUARANTINED); resolves on its next usable estimate. */
export interface QuarantineRule extends RuleBase {
  readonly kind: "quarantine";
}

/** One validated alert rule. */
export type AlertRule = DriftRule | ThresholdRule | PrognosticRule | QuarantineRule;

/** The kinds of rule. */
export type AlertRuleKind = AlertRule["kind"];
