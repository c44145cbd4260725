/** Version byte written first in every detector state blob. Bump when a layout changes. */
export const STATE_FORMAT_VERSION = 1;

/**
 * Appends little-endian fields to a growing byte buffer: the binary form of a detector's state.
 *
 * Why: float64 fields are written as their IEEE-754 bits, so NaN payloads, −0 and subnormals survive the
 * changelog round trip exactly — JSON would turn −0 into 0 and NaN into null.
 */
export class StateWriter {
  private buffer: ArrayBuffer;
  private view: DataView;
  private length = 0;

  constructor(initialCapacity = 128) {
    this.buffer = new ArrayBuffer(initialCapacity);
    this.view = new DataView(this.buffer);
  }

  /** Header: format version and the detector kind tag. */
  header(kind: number): this {
    this.u8(STATE_FORMAT_VERSION);
    return this.u8(kind);
  }

  u8(value: number): this {
    this.ensure(1);
    this.view.setUint8(this.length, value);
    this.length += 1;
    return this;
  }

  u32(value: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
    return this;
  }

  f64(value: number): this {
    this.ensure(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
    return this;
  }

  /** A length-prefixed run of float64 values. */
  f64s(values: ArrayLike<number>): this {
    this.u32(values.length);
    this.ensure(8 * values.length);
    for (let i = 0; i < values.length; i++) {
      this.view.setFloat64(this.length, values[i]!, true);
      this.length += 8;
    }
    return this;
  }

  /** A length-prefixed UTF-8 string (detector instance names). */
  string(value: string): this {
    const bytes = new TextEncoder().encode(value);
    this.u32(bytes.length);
    return this.bytes(bytes);
  }

  /** Raw bytes, not length-prefixed. */
  bytes(value: Uint8Array): this {
    this.ensure(value.length);
    new Uint8Array(this.buffer, this.length, value.length).set(value);
    this.length += value.length;
    return this;
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return new Uint8Array(this.buffer.slice(0, this.length));
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.byteLength) return;
    let capacity = this.buffer.byteLength * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const next = new ArrayBuffer(capacity);
    new Uint8Array(next).set(new Uint8Array(this.buffer, 0, this.length));
    this.buffer = next;
    this.view = new DataView(next);
  }
}
