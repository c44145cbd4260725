import {
  deserializeFilter,
  type FilterBase,
  type FilterModels,
  LagWindowFilter,
  serializeFilter,
} from "@twinstate/estimation";

/**
 * Layout version of {@link encodeTwinState}; TwinCheckpoint.format_version carries it. Version 3 adds the
 * consecutive-gated counter; version 2 (without it) is still read, with the counter 0. Version 1 (the
 * engine's own Gaussian-only layout before the library had a serializer) is no longer read.
 */
export const TWIN_STATE_FORMAT_VERSION = 3;

/** Layout versions {@link decodeTwinState} reads (all share the leading parameter-overrides field). */
export const READABLE_TWIN_STATE_FORMAT_VERSIONS: ReadonlySet<number> = new Set([2, 3]);

/** A twin's state as the changelog stores it: the library's serialized filter plus the engine's bookkeeping. */
export interface TwinStateRecord {
  /** The filter, or the lag window wrapping it. */
  readonly filter: FilterBase | LagWindowFilter;
  /** Parameter overrides the twin runs with (from its binding), by name. */
  readonly parameters: Readonly<Record<string, number>>;
  /** Fingerprint of the binding that built the twin (class, version, overrides, initial state). */
  readonly bindingFingerprint: string;
  /** Last good mean and covariance, kept only while quarantined (a quarantined filter refuses to give them). */
  readonly last: { readonly x: Float64Array; readonly P: Float64Array } | undefined;
  /** Consecutive gated readings of the twin so far (re-acquisition counter; 0 from version-2 records). */
  readonly gatedRun: number;
}

/** A twin's state bytes are not in a layout this code reads (unknown version, truncated). */
export class TwinStateFormatError extends Error {
  readonly code = "TWIN_STATE_FORMAT";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TwinStateFormatError";
  }
}

/**
 * Encodes a twin's state exactly. Layout (little-endian): u8 version, u32 length + UTF-8 canonical JSON of
 * the parameter overrides, u32 length + UTF-8 binding fingerprint, u8 has-last, [u16 n, f64[n] x,
 * f64[n·n] P], u32 consecutive gated readings (version 3), then the estimation library's `serializeFilter` bytes (raw float64s: a bit-exact round
 * trip, so a restored twin continues bit-identically — invariant 3).
 */
export function encodeTwinState(record: TwinStateRecord): Uint8Array {
  const encoder = new TextEncoder();
  const params = encoder.encode(canonicalJson(record.parameters));
  const fingerprint = encoder.encode(record.bindingFingerprint);
  const filter = serializeFilter(record.filter);
  const n = record.last?.x.length ?? 0;
  const lastBytes = record.last === undefined ? 0 : 2 + 8 * (n + n * n);
  const bytes = new Uint8Array(1 + 4 + params.length + 4 + fingerprint.length + 1 + lastBytes + 4 + filter.length);
  const view = new DataView(bytes.buffer);
  let o = 0;
  view.setUint8(o++, TWIN_STATE_FORMAT_VERSION);
  for (const s of [params, fingerprint]) {
    view.setUint32(o, s.length, true);
    o += 4;
    bytes.set(s, o);
    o += s.length;
  }
  view.setUint8(o++, record.last === undefined ? 0 : 1);
  if (record.last !== undefined) {
    view.setUint16(o, n, true);
    o += 2;
    for (const v of record.last.x) {
      view.setFloat64(o, v, true);
      o += 8;
    }
    for (const v of record.last.P) {
      view.setFloat64(o, v, true);
      o += 8;
    }
  }
  view.setUint32(o, record.gatedRun, true);
  o += 4;
  bytes.set(filter, o);
  return bytes;
}

/**
 * Decodes {@link encodeTwinState}'s bytes against the twin class's models.
 * @throws TwinStateFormatError on an unknown version or corrupt bytes (including the library's errors)
 */
export function decodeTwinState(bytes: Uint8Array, formatVersion: number, models: FilterModels): TwinStateRecord {
  if (!READABLE_TWIN_STATE_FORMAT_VERSIONS.has(formatVersion) || bytes[0] !== formatVersion) {
    throw new TwinStateFormatError(`unknown twin state format ${formatVersion}/${bytes[0]}`);
  }
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const decoder = new TextDecoder();
    let o = 1;
    const str = (): string => {
      const len = view.getUint32(o, true);
      o += 4;
      if (o + len > bytes.length) throw new TwinStateFormatError("truncated twin state");
      const s = decoder.decode(bytes.subarray(o, o + len));
      o += len;
      return s;
    };
    const parameters = JSON.parse(str()) as Record<string, number>;
    const bindingFingerprint = str();
    let last: TwinStateRecord["last"];
    if (view.getUint8(o++) === 1) {
      const n = view.getUint16(o, true);
      o += 2;
      const x = new Float64Array(n);
      const P = new Float64Array(n * n);
      for (let i = 0; i < n; i++, o += 8) x[i] = view.getFloat64(o, true);
      for (let i = 0; i < n * n; i++, o += 8) P[i] = view.getFloat64(o, true);
      last = { x, P };
    }
    let gatedRun = 0;
    if (formatVersion >= 3) {
      gatedRun = view.getUint32(o, true);
      o += 4;
    }
    const filter = deserializeFilter(bytes.subarray(o), models);
    return { filter, parameters, bindingFingerprint, last, gatedRun };
  } catch (error) {
    if (error instanceof TwinStateFormatError) throw error;
    throw new TwinStateFormatError(`corrupt twin state: ${(error as Error).message}`, { cause: error });
  }
}

/** The inner filter of a filter or lag window. */
export function innerFilter(filter: FilterBase | LagWindowFilter): FilterBase {
  return filter instanceof LagWindowFilter ? filter.filter : filter;
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
