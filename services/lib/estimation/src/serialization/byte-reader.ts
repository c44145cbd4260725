import { SerializationFormatError } from "../errors/serialization-error.ts";

/** Little-endian reader matching {@link ByteWriter}; throws SerializationFormatError on truncation. */
export class ByteReader {
  private readonly view: DataView;
  private readonly bytesIn: Uint8Array;
  private pos = 0;

  constructor(bytes: Uint8Array) {
    this.bytesIn = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.bytesIn.length) {
      throw new SerializationFormatError("serialized filter state is truncated", { at: this.pos, need: n });
    }
  }

  get done(): boolean {
    return this.pos === this.bytesIn.length;
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.pos++);
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
    throw new SerializationFormatError("varint too long", { at: this.pos });
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  f64s(n: number): Float64Array {
    this.need(8 * n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.f64();
    return out;
  }

  string(): string {
    const n = this.varint();
    this.need(n);
    const s = new TextDecoder("utf-8", { fatal: true }).decode(this.bytesIn.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  bytes(): Uint8Array {
    const n = this.varint();
    this.need(n);
    const b = this.bytesIn.slice(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}
