import { timestampMs } from "@bufbuild/protobuf/wkt";
import {
  DetectorKind,
  type DriftEvent,
  EstimateStatus,
  Severity as EventSeverity,
  type StateEstimate,
} from "@twinstate/proto";
import { NotFoundError, TwinstateError } from "@twinstate/runtime";
import type { AlertRule, DetectorKindName, DriftRule, RuleBase, Severity } from "../rules/alert-rule.ts";
import { AlertRuleError } from "../rules/alert-rule-error.ts";
import { renderTemplate } from "../rules/render-template.ts";
import type { AcknowledgementEntry, AlertEntry, SilenceEntry } from "./alert-entry.ts";
import { crossingProbability } from "./crossing-probability.ts";
import { fingerprint } from "./fingerprint.ts";
import { compileMatchers, type LabelMatcherSpec } from "./label-matcher.ts";

/** Options of {@link AlertEngine}. */
export interface AlertEngineOptions {
  readonly rules: readonly AlertRule[];
  /** Labels that group alerts into one notification (webhooks); default `["tenant", "alertname"]`. */
  readonly groupBy?: readonly string[];
  /** Resolved alerts are forgotten (tombstoned) this long after endsAt, in event time. Default 1 h. */
  readonly resolvedRetentionMs?: number;
}

/** A change worth notifying: an alert started firing or resolved (`alert` is a copy taken at the transition). */
export interface AlertTransition {
  readonly kind: "firing" | "resolved";
  readonly alert: AlertEntry;
}

/** Changelog work of one owner since the last call: entries to write and fingerprints to tombstone. */
export interface OwnerChanges {
  readonly upserts: readonly AlertEntry[];
  readonly deletes: readonly string[];
}

/** Filters of {@link AlertEngine.list}. */
export interface AlertFilter {
  readonly tenant: string;
  readonly phase?: "firing" | "resolved";
  readonly matchers?: readonly LabelMatcherSpec[];
  readonly includeSilenced: boolean;
  /** Wall-clock now (ms) for silence windows. */
  readonly nowMs: number;
}

const detectorKindNames: Readonly<Record<number, DetectorKindName>> = {
  [DetectorKind.CUSUM]: "cusum",
  [DetectorKind.PAGE_HINKLEY]: "page_hinkley",
  [DetectorKind.NIS_WINDOW]: "nis_window",
  [DetectorKind.EWMA]: "ewma",
  [DetectorKind.ADWIN]: "adwin",
  [DetectorKind.INTERVAL_COVERAGE]: "interval_coverage",
  [DetectorKind.STUCK_SENSOR]: "stuck_sensor",
  [DetectorKind.NOISE_LEVEL]: "noise_level",
};
const eventSeverityNames: Readonly<Record<number, Severity>> = {
  [EventSeverity.INFO]: "info",
  [EventSeverity.WARNING]: "warning",
  [EventSeverity.CRITICAL]: "critical",
};

/**
 * The alert engine: evaluates rules on drift events and estimates and keeps every alert's state. Pure and
 * deterministic — no I/O, no clock: every time is the input's event time, and the same inputs in the same order
 * give the same alerts, transitions and changelog records.
 *
 * State is partitioned by owner (the input topic partition, see `ownerOf`): the worker owning a partition
 * evaluates, persists (`takeChanges` → the compacted changelog in the same transaction as the input offsets)
 * and restores (`restore`) only that owner's alerts. Alerts are identified by the fingerprint of their labels,
 * so a condition that keeps holding, or a detection that repeats, is the same alert (deduplicated).
 *
 * Silences and acknowledgements come from the gRPC API (wall clock) and are applied here; a transition records
 * the silences matching at its event time, and queries re-evaluate silences at the caller's now.
 */
export class AlertEngine {
  readonly #rules: ReadonlyMap<string, AlertRule>;
  readonly #driftRules: readonly DriftRule[];
  readonly #estimateRules: readonly AlertRule[];
  readonly #groupBy: readonly string[];
  readonly #retentionMs: number;
  readonly #alerts = new Map<string, AlertEntry>();
  readonly #owned = new Map<string, Set<string>>();
  readonly #watermarks = new Map<string, number>();
  readonly #dirty = new Map<string, Set<string>>();
  readonly #silences = new Map<string, SilenceEntry>();

  constructor(options: AlertEngineOptions) {
    this.#rules = new Map(options.rules.map((r) => [r.id, r]));
    this.#driftRules = options.rules.filter((r): r is DriftRule => r.kind === "drift");
    this.#estimateRules = options.rules.filter((r) => r.kind !== "drift");
    this.#groupBy = options.groupBy ?? ["tenant", "alertname"];
    this.#retentionMs = options.resolvedRetentionMs ?? 3_600_000;
    checkIdentities(options.rules);
  }

  /** The rules, by id. */
  get rules(): ReadonlyMap<string, AlertRule> {
    return this.#rules;
  }

  /** Evaluates the drift rules on one event of `owner`; returns the transitions it caused. */
  onDriftEvent(owner: string, event: DriftEvent): AlertTransition[] {
    const t = event.detectedTime === undefined ? 0 : Number(timestampMs(event.detectedTime));
    this.#advance(owner, t);
    const transitions: AlertTransition[] = [];
    const kind = detectorKindNames[event.detectorKind] ?? "unspecified";
    const severity = eventSeverityNames[event.severity] ?? "info";
    for (const rule of this.#driftRules) {
      if (!inScope(rule, event.tenant, event.twinClassId, event.asset)) continue;
      if (rule.detectors !== undefined && !rule.detectors.includes(event.detector)) continue;
      if (rule.detectorKinds !== undefined && !rule.detectorKinds.includes(kind as DetectorKindName)) continue;
      if (rule.eventSeverities !== undefined && !rule.eventSeverities.includes(severity)) continue;
      if (rule.sensors !== undefined && !rule.sensors.includes(event.sensor)) continue;
      const labels = this.#labels(rule, event.tenant, event.asset, { sensor: event.sensor, detector: event.detector });
      const values = {
        ...commonValues(rule, event.tenant, event.asset, event.twinClassId),
        sensor: event.sensor,
        detector: event.detector,
        detectorKind: kind,
        statistic: formatNumber(event.statistic),
        threshold: formatNumber(event.threshold),
        value: formatNumber(event.statistic),
      };
      this.#step(owner, rule, labels, true, t, values, transitions, true);
    }
    this.#sweepDrift(owner, transitions);
    this.#collect(owner);
    return transitions;
  }

  /** Evaluates the threshold, prognostic and quarantine rules on one estimate of `owner`. */
  onEstimate(owner: string, estimate: StateEstimate): AlertTransition[] {
    const t = estimate.eventTime === undefined ? 0 : Number(timestampMs(estimate.eventTime));
    this.#advance(owner, t);
    const transitions: AlertTransition[] = [];
    if (estimate.status === EstimateStatus.UNSPECIFIED) return transitions;
    const quarantined = estimate.status === EstimateStatus.QUARANTINED;
    const n = estimate.variableNames.length;
    for (const rule of this.#estimateRules) {
      if (!inScope(rule, estimate.tenant, estimate.twinClassId, estimate.asset)) continue;
      const common = commonValues(rule, estimate.tenant, estimate.asset, estimate.twinClassId);
      if (rule.kind === "quarantine") {
        const labels = this.#labels(rule, estimate.tenant, estimate.asset, {});
        const values = { ...common, reason: estimate.statusReason, value: estimate.statusReason };
        this.#step(owner, rule, labels, quarantined, t, values, transitions, false);
        continue;
      }
      if (rule.kind === "drift" || quarantined) continue; // a quarantined twin's mean is stale: keep state
      const i = estimate.variableNames.indexOf(rule.variable);
      if (i < 0 || estimate.mean.length !== n) continue;
      const x = estimate.mean[i]!;
      const variance = covarianceAt(estimate.covariance, n, i, i) ?? (estimate.stdDev[i] ?? 0) ** 2;
      const labels = this.#labels(rule, estimate.tenant, estimate.asset, { variable: rule.variable });
      const values: Record<string, string> = {
        ...common,
        variable: rule.variable,
        value: formatNumber(x),
        limit: formatNumber(rule.limit),
        std: formatNumber(Math.sqrt(Math.max(variance, 0))),
      };
      let holds: boolean;
      if (rule.kind === "threshold") {
        const active = this.#isActive(fingerprint(labels));
        const edge = active
          ? rule.limit + (rule.direction === "above" ? -rule.hysteresis : rule.hysteresis)
          : rule.limit;
        holds = rule.direction === "above" ? x > edge : x < edge;
      } else {
        const r = rule.rateVariable === undefined ? -1 : estimate.variableNames.indexOf(rule.rateVariable);
        const p = crossingProbability({
          mean: x,
          variance,
          rateMean: r < 0 ? 0 : estimate.mean[r]!,
          rateVariance: r < 0 ? 0 : (covarianceAt(estimate.covariance, n, r, r) ?? 0),
          covariance: r < 0 ? 0 : (covarianceAt(estimate.covariance, n, i, r) ?? 0),
          horizonSeconds: rule.horizonMs / 1000,
          diffusion: rule.diffusion,
          limit: rule.limit,
          direction: rule.direction,
        });
        values.probability = formatNumber(p);
        values.horizon = `${rule.horizonMs / 1000}s`;
        holds = p >= rule.probability;
      }
      this.#step(owner, rule, labels, holds, t, values, transitions, false);
    }
    this.#collect(owner);
    return transitions;
  }

  /** Entries to write and tombstone for `owner` since the last call (sorted by fingerprint), then forgets them. */
  takeChanges(owner: string): OwnerChanges {
    const dirty = this.#dirty.get(owner);
    this.#dirty.delete(owner);
    if (dirty === undefined) return { upserts: [], deletes: [] };
    const upserts: AlertEntry[] = [];
    const deletes: string[] = [];
    for (const fp of [...dirty].sort()) {
      const entry = this.#alerts.get(fp);
      if (entry !== undefined && entry.owner === owner) upserts.push(entry);
      else deletes.push(fp);
    }
    return { upserts, deletes };
  }

  /** Puts a restored entry back (from the changelog). */
  restore(entry: AlertEntry): void {
    this.#put({ ...entry, annotations: { ...entry.annotations }, silencedBy: [...entry.silencedBy] });
    const mark = this.#watermarks.get(entry.owner) ?? Number.NEGATIVE_INFINITY;
    this.#watermarks.set(entry.owner, Math.max(mark, entry.updatedAtMs));
  }

  /** Forgets an owner's alerts (revoked partition, or before a restore). */
  dropOwner(owner: string): void {
    for (const fp of this.#owned.get(owner) ?? []) this.#alerts.delete(fp);
    this.#owned.delete(owner);
    this.#watermarks.delete(owner);
    this.#dirty.delete(owner);
  }

  /** Forgets one restored entry (a changelog tombstone). */
  forget(fingerprintToDrop: string): void {
    const entry = this.#alerts.get(fingerprintToDrop);
    if (entry === undefined) return;
    this.#alerts.delete(fingerprintToDrop);
    this.#owned.get(entry.owner)?.delete(fingerprintToDrop);
  }

  /** One alert by fingerprint. */
  get(fp: string): AlertEntry | undefined {
    return this.#alerts.get(fp);
  }

  /** Every alert (pending included), unordered. */
  alerts(): IterableIterator<AlertEntry> {
    return this.#alerts.values();
  }

  /**
   * Acknowledges a firing alert of `tenant`; returns the acknowledgement to persist. Throws NOT_FOUND for an
   * unknown fingerprint (or another tenant's: tenants never see each other's alerts) and FAILED_PRECONDITION
   * when it is not firing.
   */
  acknowledge(tenant: string, fp: string, by: string, atMs: number, comment: string): AcknowledgementEntry {
    const entry = this.#alerts.get(fp);
    if (entry === undefined || entry.tenant !== tenant || entry.phase === "pending") {
      throw new NotFoundError(`no alert ${fp} for tenant ${tenant}`, { details: { tenant, fingerprint: fp } });
    }
    if (entry.phase !== "firing") {
      throw new TwinstateError("FAILED_PRECONDITION", `alert ${fp} is resolved`, { details: { fingerprint: fp } });
    }
    const ack: AcknowledgementEntry = { fingerprint: fp, tenant, by, atMs, comment, startsAtMs: entry.startsAtMs ?? 0 };
    this.applyAcknowledgement(ack);
    return ack;
  }

  /** Applies an acknowledgement (from the API or the changelog) if it is for the alert's current firing. */
  applyAcknowledgement(ack: AcknowledgementEntry): boolean {
    const entry = this.#alerts.get(ack.fingerprint);
    if (entry === undefined || entry.tenant !== ack.tenant || entry.startsAtMs !== ack.startsAtMs) return false;
    entry.acknowledgement = ack;
    entry.updatedAtMs = Math.max(entry.updatedAtMs, ack.atMs);
    return true;
  }

  /** Adds (or replaces) a silence. Validates its matchers (throws SyntaxError on a bad regex). */
  putSilence(silence: SilenceEntry): void {
    compileMatchers(silence.matchers);
    this.#silences.set(silence.id, silence);
  }

  /** Removes a silence (a changelog tombstone); returns whether it existed. */
  removeSilence(id: string): boolean {
    return this.#silences.delete(id);
  }

  /** The silences of a tenant (all when tenant is undefined). */
  silences(tenant?: string): SilenceEntry[] {
    return [...this.#silences.values()].filter((s) => tenant === undefined || s.tenant === tenant);
  }

  /** Removes silences that ended before `nowMs`; returns their ids. */
  expireSilences(nowMs: number): string[] {
    const expired = [...this.#silences.values()].filter((s) => s.endsAtMs < nowMs).map((s) => s.id);
    for (const id of expired) this.#silences.delete(id);
    return expired;
  }

  /** Ids of the silences of the alert's tenant whose window holds `atMs` and whose matchers all match. */
  silencedBy(alert: Pick<AlertEntry, "tenant" | "labels">, atMs: number): string[] {
    const ids: string[] = [];
    for (const s of this.#silences.values()) {
      if (s.tenant !== alert.tenant || atMs < s.startsAtMs || atMs >= s.endsAtMs) continue;
      if (compileMatchers(s.matchers)(alert.labels)) ids.push(s.id);
    }
    return ids.sort();
  }

  /** The tenant's firing/resolved alerts matching the filter, most recently updated first (ties by fingerprint). */
  list(filter: AlertFilter): AlertEntry[] {
    const match = compileMatchers(filter.matchers ?? []);
    const out: AlertEntry[] = [];
    for (const entry of this.#alerts.values()) {
      if (entry.tenant !== filter.tenant || entry.phase === "pending") continue;
      if (filter.phase !== undefined && entry.phase !== filter.phase) continue;
      if (!match(entry.labels)) continue;
      if (!filter.includeSilenced && this.silencedBy(entry, filter.nowMs).length > 0) continue;
      out.push(entry);
    }
    return out.sort((a, b) => b.updatedAtMs - a.updatedAtMs || (a.fingerprint < b.fingerprint ? -1 : 1));
  }

  /** The labels an alert is grouped by, in `groupBy` order (missing labels are ""). */
  groupLabels(alert: Pick<AlertEntry, "labels">): Record<string, string> {
    return Object.fromEntries(this.#groupBy.map((name) => [name, alert.labels[name] ?? ""]));
  }

  /** A stable key of the alert's group (JSON of {@link groupLabels}). */
  groupKey(alert: Pick<AlertEntry, "labels">): string {
    return JSON.stringify(this.groupLabels(alert));
  }

  #labels(rule: RuleBase, tenant: string, asset: string, extra: Record<string, string>): Record<string, string> {
    return { ...rule.labels, ...extra, alertname: rule.alertname, tenant, asset, severity: rule.severity };
  }

  #isActive(fp: string): boolean {
    const phase = this.#alerts.get(fp)?.phase;
    return phase === "pending" || phase === "firing";
  }

  #advance(owner: string, t: number): void {
    const mark = this.#watermarks.get(owner) ?? Number.NEGATIVE_INFINITY;
    if (t > mark) this.#watermarks.set(owner, t);
  }

  #step(
    owner: string,
    rule: AlertRule,
    labels: Record<string, string>,
    holds: boolean,
    t: number,
    values: Record<string, string>,
    transitions: AlertTransition[],
    persistLastSeen: boolean,
  ): void {
    const fp = fingerprint(labels);
    const entry = this.#alerts.get(fp);
    const annotations = () =>
      Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, renderTemplate(v, values)]));
    if (holds) {
      if (entry === undefined || entry.phase === "resolved") {
        const firing = rule.forMs === 0;
        const fresh: AlertEntry = {
          fingerprint: fp,
          owner,
          ruleId: rule.id,
          tenant: labels.tenant!,
          asset: labels.asset!,
          labels: sortLabels(labels),
          annotations: annotations(),
          phase: firing ? "firing" : "pending",
          activeSinceMs: t,
          startsAtMs: firing ? t : null,
          endsAtMs: null,
          lastSeenMs: t,
          updatedAtMs: t,
          acknowledgement: null,
          silencedBy: this.silencedBy({ tenant: labels.tenant!, labels }, t),
        };
        this.#put(fresh);
        this.#markDirty(owner, fp);
        if (firing) transitions.push({ kind: "firing", alert: snapshot(fresh) });
        return;
      }
      if (entry.owner !== owner) return; // owned by another input partition: never touch it
      if (entry.phase === "pending" && t - entry.activeSinceMs >= rule.forMs) {
        entry.lastSeenMs = Math.max(entry.lastSeenMs, t);
        entry.phase = "firing";
        entry.startsAtMs = entry.activeSinceMs;
        entry.annotations = annotations();
        entry.updatedAtMs = t;
        entry.silencedBy = this.silencedBy(entry, t);
        this.#markDirty(owner, fp);
        transitions.push({ kind: "firing", alert: snapshot(entry) });
      } else if (persistLastSeen) {
        // Drift alerts resolve from lastSeen, so it is state and persisted; estimate rules re-check every estimate.
        entry.lastSeenMs = Math.max(entry.lastSeenMs, t);
        this.#markDirty(owner, fp);
      }
      return;
    }
    if (entry === undefined || entry.owner !== owner) return;
    if (entry.phase === "pending") {
      this.forget(fp);
      this.#markDirty(owner, fp);
    } else if (entry.phase === "firing") {
      this.#resolve(entry, t, annotations(), transitions);
    }
  }

  #resolve(entry: AlertEntry, t: number, annotations: Record<string, string>, transitions: AlertTransition[]): void {
    entry.phase = "resolved";
    entry.endsAtMs = t;
    entry.annotations = annotations;
    entry.updatedAtMs = t;
    this.#markDirty(entry.owner, entry.fingerprint);
    transitions.push({ kind: "resolved", alert: snapshot(entry) });
  }

  /** Resolves the owner's drift alerts not seen for their rule's resolveAfter (event time). */
  #sweepDrift(owner: string, transitions: AlertTransition[]): void {
    const mark = this.#watermarks.get(owner);
    if (mark === undefined) return;
    for (const fp of [...(this.#owned.get(owner) ?? [])].sort()) {
      const entry = this.#alerts.get(fp)!;
      if (entry.phase !== "firing") continue;
      const rule = this.#rules.get(entry.ruleId);
      const after = rule?.kind === "drift" ? rule.resolveAfterMs : 0;
      if (rule !== undefined && rule.kind !== "drift") continue;
      if (entry.lastSeenMs + after <= mark)
        this.#resolve(entry, entry.lastSeenMs + after, entry.annotations, transitions);
    }
  }

  /** Tombstones the owner's resolved alerts older than the retention. */
  #collect(owner: string): void {
    const mark = this.#watermarks.get(owner);
    if (mark === undefined) return;
    for (const fp of [...(this.#owned.get(owner) ?? [])]) {
      const entry = this.#alerts.get(fp)!;
      if (entry.phase === "resolved" && (entry.endsAtMs ?? 0) + this.#retentionMs <= mark) {
        this.forget(fp);
        this.#markDirty(owner, fp);
      }
    }
  }

  #put(entry: AlertEntry): void {
    const previous = this.#alerts.get(entry.fingerprint);
    if (previous !== undefined && previous.owner !== entry.owner)
      this.#owned.get(previous.owner)?.delete(entry.fingerprint);
    this.#alerts.set(entry.fingerprint, entry);
    let set = this.#owned.get(entry.owner);
    if (set === undefined) {
      set = new Set();
      this.#owned.set(entry.owner, set);
    }
    set.add(entry.fingerprint);
  }

  #markDirty(owner: string, fp: string): void {
    let set = this.#dirty.get(owner);
    if (set === undefined) {
      set = new Set();
      this.#dirty.set(owner, set);
    }
    set.add(fp);
  }
}

/** A copy of an entry that later evaluations cannot change. */
function snapshot(entry: AlertEntry): AlertEntry {
  return { ...entry, annotations: { ...entry.annotations }, silencedBy: [...entry.silencedBy] };
}

function inScope(rule: RuleBase, tenant: string, twinClass: string, asset: string): boolean {
  const s = rule.scope;
  return (
    (s.tenants === undefined || s.tenants.includes(tenant)) &&
    (s.twinClasses === undefined || s.twinClasses.includes(twinClass)) &&
    (s.assets === undefined || s.assets.includes(asset))
  );
}

function commonValues(rule: RuleBase, tenant: string, asset: string, twinClass: string): Record<string, string> {
  return { tenant, asset, twinClass, alertname: rule.alertname, severity: rule.severity, rule: rule.id };
}

/** P[i][j] from a packed upper-triangular row-major n×n matrix. */
function covarianceAt(packed: readonly number[], n: number, i: number, j: number): number | undefined {
  if (packed.length !== (n * (n + 1)) / 2) return undefined;
  const r = Math.min(i, j);
  const c = Math.max(i, j);
  return packed[r * n - (r * (r - 1)) / 2 + (c - r)];
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

function sortLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]!]),
  );
}

/**
 * Two rules whose alerts can carry the same labels would fight over one alert. Rules of the estimates topic
 * must differ in alertname, severity, labels or variable; drift rules may share (repeated detections are meant
 * to deduplicate) but not with estimate rules, whose alerts live in another input partition.
 */
function checkIdentities(rules: readonly AlertRule[]): void {
  const seen = new Map<string, AlertRule>();
  const issues: { field: string; message: string }[] = [];
  for (const rule of rules) {
    const variable = rule.kind === "threshold" || rule.kind === "prognostic" ? rule.variable : "";
    const family = rule.kind === "drift" ? "drift" : "estimates";
    const key = JSON.stringify([rule.alertname, rule.severity, sortLabels({ ...rule.labels }), variable]);
    const other = seen.get(key);
    if (other !== undefined && !(family === "drift" && other.kind === "drift")) {
      issues.push({ field: rule.id, message: `its alerts would have the same labels as rule ${other.id}'s` });
    }
    seen.set(key, rule);
  }
  if (issues.length > 0) throw new AlertRuleError("rules", issues);
}
