import { DetectorStateFormatError } from "../errors/detector-state-format-error.ts";
import { STATE_FORMAT_VERSION } from "./state-writer.ts";

/**
 * Reads the fields a `StateWriter` wrote, in the same order, failing with `DetectorStateFormatError` on
 * truncation, a wrong version or a wrong detector kind.
 */
export class StateReader {
  private readonly view: DataView;
  private offset = 0;
  private readonly bytesIn: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytesIn = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Checks the header written by `StateWriter.header` against the expected kind. */
  header(expectedKind: number): this {
    const version = this.u8();
    if (version !== STATE_FORMAT_VERSION) {
      throw new DetectorStateFormatError(`unknown detector state format version ${version}`, { version });
    }
    const kind = this.u8();
    if (kind !== expectedKind) {
      throw new DetectorStateFormatError(`state is of detector kind ${kind}, expected ${expectedKind}`, {
        kind,
        expectedKind,
      });
    }
    return this;
  }

  /** Kind tag of a blob without consuming it (for dispatch). */
  static peekKind(bytes: Uint8Array): number {
    if (bytes.length < 2) throw new DetectorStateFormatError("detector state shorter than its header");
    return bytes[1]!;
  }

  u8(): number {
    this.need(1);
    const v = this.view.getUint8(this.offset);
    this.offset += 1;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return v;
  }

  f64s(): Float64Array {
    const n = this.u32();
    this.need(8 * n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.view.getFloat64(this.offset, true);
      this.offset += 8;
    }
    return out;
  }

  string(): string {
    const n = this.u32();
    return new TextDecoder().decode(this.bytes(n));
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.bytesIn.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** Fails unless every byte was consumed (trailing garbage means corruption). */
  end(): void {
    if (this.offset !== this.view.byteLength) {
      throw new DetectorStateFormatError("trailing bytes after detector state", {
        consumed: this.offset,
        length: this.view.byteLength,
      });
    }
  }

  private need(n: number): void {
    if (this.offset + n > this.view.byteLength) {
      throw new DetectorStateFormatError("detector state truncated", { offset: this.offset, need: n });
    }
  }
}
