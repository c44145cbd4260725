import type { FilterHealth, QuarantineInfo, StateFilter } from "@twinstate/estimation";
import { FILTER_HEALTH_FIELDS } from "../estimation-internals.ts";

/** Layout version of {@link encodeTwinState}; TwinCheckpoint.format_version carries it. */
export const TWIN_STATE_FORMAT_VERSION = 1;

/** Filter kinds as stored (one byte). */
const KIND_CODES = { kf: 1, ekf: 2, ukf: 3, pf: 4 } as const;
type FilterKind = keyof typeof KIND_CODES;

/** Everything of a Gaussian twin that later estimates depend on, decoded from a checkpoint. */
export interface TwinStateSnapshot {
  readonly kind: FilterKind;
  readonly t: number;
  readonly x: Float64Array;
  readonly P: Float64Array;
  readonly lastInput: Float64Array;
  readonly logLikelihood: number;
  readonly health: FilterHealth;
  readonly quarantine: QuarantineInfo | undefined;
  /** Parameter overrides the twin runs with (from its binding), by name. */
  readonly parameters: Readonly<Record<string, number>>;
  /** Fingerprint of the binding that built the twin (class, version, overrides, initial state). */
  readonly bindingFingerprint: string;
}

/**
 * A twin's state layout is not one this code reads (unknown format version, truncated bytes, wrong kind).
 */
export class TwinStateFormatError extends Error {
  readonly code = "TWIN_STATE_FORMAT";
  constructor(message: string) {
    super(message);
    this.name = "TwinStateFormatError";
  }
}

/**
 * The filter fields that are writable at run time on the estimation library's filters (FilterBase) but
 * read-only in the StateFilter interface. Restoring a twin exactly needs them; this cast is confined to
 * this codec and goes away when the library's own filter serializer is used.
 */
interface WritableFilterState {
  logLikelihood: number;
  quarantine: QuarantineInfo | undefined;
  readonly health: FilterHealth;
  readonly lastInput: Float64Array;
}

/** Writes the run-time fields of a snapshot into a freshly built filter (x, P, t were set at construction). */
export function applySnapshot(filter: StateFilter, snapshot: TwinStateSnapshot): void {
  const w = filter as unknown as WritableFilterState;
  w.lastInput.set(snapshot.lastInput);
  w.logLikelihood = snapshot.logLikelihood;
  Object.assign(w.health, snapshot.health);
  w.quarantine = snapshot.quarantine;
}

/** Quarantines a filter from outside (the engine's own non-finite output guard). */
export function quarantineFilter(filter: StateFilter, reason: string): void {
  (filter as unknown as WritableFilterState).quarantine = { reason, t: filter.t };
}

/**
 * Encodes a Gaussian twin's state exactly: every double is stored as its 8 IEEE-754 bytes, so decoding and
 * continuing gives bit-identical estimates (invariant 3).
 *
 * Layout (little-endian): u8 format, u8 kind, u16 n, u16 dimU, f64 t, f64[n] x, f64[n·n] P,
 * f64[dimU] lastInput, f64 logLikelihood, f64[8] health counters, u8 quarantined, f64 quarantine t,
 * string quarantine reason, string parameters JSON, string binding fingerprint (strings: u32 length + UTF-8).
 * x and P are passed in because a quarantined filter refuses to give them (the engine keeps the last good).
 */
export function encodeTwinState(snapshot: TwinStateSnapshot): Uint8Array {
  const n = snapshot.x.length;
  const dimU = snapshot.lastInput.length;
  const encoder = new TextEncoder();
  const reason = encoder.encode(snapshot.quarantine?.reason ?? "");
  const params = encoder.encode(canonicalJson(snapshot.parameters));
  const fingerprint = encoder.encode(snapshot.bindingFingerprint);
  const size =
    6 +
    8 * (1 + n + n * n + dimU + 1 + FILTER_HEALTH_FIELDS.length) +
    1 +
    8 +
    12 +
    reason.length +
    params.length +
    fingerprint.length;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let o = 0;
  view.setUint8(o, TWIN_STATE_FORMAT_VERSION);
  view.setUint8(o + 1, KIND_CODES[snapshot.kind]);
  view.setUint16(o + 2, n, true);
  view.setUint16(o + 4, dimU, true);
  o += 6;
  const f64 = (v: number): void => {
    view.setFloat64(o, v, true);
    o += 8;
  };
  f64(snapshot.t);
  for (const v of snapshot.x) f64(v);
  for (const v of snapshot.P) f64(v);
  for (const v of snapshot.lastInput) f64(v);
  f64(snapshot.logLikelihood);
  for (const field of FILTER_HEALTH_FIELDS) f64(snapshot.health[field]);
  view.setUint8(o, snapshot.quarantine === undefined ? 0 : 1);
  o += 1;
  f64(snapshot.quarantine?.t ?? 0);
  for (const s of [reason, params, fingerprint]) {
    view.setUint32(o, s.length, true);
    o += 4;
    bytes.set(s, o);
    o += s.length;
  }
  return bytes;
}

/** Decodes {@link encodeTwinState}'s bytes. @throws TwinStateFormatError on anything it does not recognize */
export function decodeTwinState(bytes: Uint8Array, formatVersion: number): TwinStateSnapshot {
  if (formatVersion !== TWIN_STATE_FORMAT_VERSION || bytes[0] !== TWIN_STATE_FORMAT_VERSION) {
    throw new TwinStateFormatError(`unknown twin state format ${formatVersion}/${bytes[0]}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const kindCode = view.getUint8(1);
    const kind = (Object.keys(KIND_CODES) as FilterKind[]).find((k) => KIND_CODES[k] === kindCode);
    if (kind === undefined) throw new TwinStateFormatError(`unknown filter kind code ${kindCode}`);
    const n = view.getUint16(2, true);
    const dimU = view.getUint16(4, true);
    let o = 6;
    const f64 = (): number => {
      const v = view.getFloat64(o, true);
      o += 8;
      return v;
    };
    const vec = (len: number): Float64Array => {
      const out = new Float64Array(len);
      for (let i = 0; i < len; i++) out[i] = f64();
      return out;
    };
    const t = f64();
    const x = vec(n);
    const P = vec(n * n);
    const lastInput = vec(dimU);
    const logLikelihood = f64();
    const health = {} as FilterHealth;
    for (const field of FILTER_HEALTH_FIELDS) health[field] = f64();
    const quarantined = view.getUint8(o) === 1;
    o += 1;
    const qt = f64();
    const decoder = new TextDecoder();
    const str = (): string => {
      const len = view.getUint32(o, true);
      o += 4;
      if (o + len > bytes.length) throw new TwinStateFormatError("truncated twin state");
      const s = decoder.decode(bytes.subarray(o, o + len));
      o += len;
      return s;
    };
    const reason = str();
    const parameters = JSON.parse(str()) as Record<string, number>;
    const bindingFingerprint = str();
    return {
      kind,
      t,
      x,
      P,
      lastInput,
      logLikelihood,
      health,
      quarantine: quarantined ? { reason, t: qt } : undefined,
      parameters,
      bindingFingerprint,
    };
  } catch (error) {
    if (error instanceof TwinStateFormatError) throw error;
    throw new TwinStateFormatError(`corrupt twin state: ${(error as Error).message}`);
  }
}

/** JSON with object keys sorted, so equal records always encode to equal bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}
