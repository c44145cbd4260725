/**
 * A minimal protobuf binary writer for the few messages ingest writes per reading.
 *
 * Why not protobuf-es's `toBinary`: it is reflection-driven and spends most of its time growing buffers and
 * walking descriptors; ingest writes one output per input at tens of thousands per second, and a hand-written
 * encoder for three fixed message shapes is several times faster. The output is the standard wire format in
 * field-number order, which `toBinary` also produces (tests compare the two byte for byte).
 */
export class ProtoWriter {
  #buf: Uint8Array;
  #pos = 0;
  readonly #forks: number[] = [];
  readonly #f64 = new Float64Array(1);
  readonly #f64bytes = new Uint8Array(this.#f64.buffer);
  static readonly #utf8 = new TextEncoder();

  constructor(initialSize = 512) {
    this.#buf = new Uint8Array(initialSize);
  }

  /** Starts a new message (the writer is reusable). */
  reset(): this {
    this.#pos = 0;
    this.#forks.length = 0;
    return this;
  }

  /** A copy of the bytes written. */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#pos);
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
  }

  /** Field key: `(field << 3) | wireType`. */
  tag(field: number, wireType: 0 | 1 | 2 | 5): this {
    return this.uint32((field << 3) | wireType);
  }

  /** Unsigned 32-bit varint. */
  uint32(value: number): this {
    this.#ensure(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.#buf[this.#pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.#buf[this.#pos++] = v;
    return this;
  }

  /** Signed 32-bit varint (negative values take ten bytes, as int32 does on the wire). */
  int32(value: number): this {
    return value >= 0 ? this.uint32(value) : this.int64(BigInt(value));
  }

  /** Signed 64-bit varint (two's complement). */
  int64(value: bigint): this {
    if (value >= 0n && value <= 0xffffffffn) return this.uint32(Number(value));
    this.#ensure(10);
    let v = BigInt.asUintN(64, value);
    while (v > 0x7fn) {
      this.#buf[this.#pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.#buf[this.#pos++] = Number(v);
    return this;
  }

  /** 64-bit IEEE 754, little-endian. */
  double(value: number): this {
    this.#ensure(8);
    this.#f64[0] = value;
    this.#buf.set(this.#f64bytes, this.#pos);
    this.#pos += 8;
    return this;
  }

  /** Length-delimited bytes. */
  bytes(value: Uint8Array): this {
    this.uint32(value.length);
    this.#ensure(value.length);
    this.#buf.set(value, this.#pos);
    this.#pos += value.length;
    return this;
  }

  /** Length-delimited UTF-8 string. */
  string(value: string): this {
    const n = value.length;
    let ascii = n < 128;
    if (ascii) {
      for (let i = 0; i < n; i++) {
        if (value.charCodeAt(i) > 0x7f) {
          ascii = false;
          break;
        }
      }
    }
    if (ascii) {
      this.#ensure(1 + n);
      this.#buf[this.#pos++] = n;
      for (let i = 0; i < n; i++) this.#buf[this.#pos++] = value.charCodeAt(i);
      return this;
    }
    this.fork();
    this.#ensure(n * 3);
    this.#pos += ProtoWriter.#utf8.encodeInto(value, this.#buf.subarray(this.#pos)).written;
    return this.join();
  }

  /** Starts a length-delimited sub-message; close it with {@link join}. */
  fork(): this {
    this.#ensure(1);
    this.#forks.push(this.#pos);
    this.#pos += 1; // one byte reserved for the length; widened in join() when needed
    return this;
  }

  /** Ends the innermost sub-message, writing its length before it. */
  join(): this {
    const start = this.#forks.pop()!;
    const length = this.#pos - start - 1;
    let size = 1;
    for (let v = length >>> 7; v > 0; v >>>= 7) size++;
    if (size > 1) {
      this.#ensure(size - 1);
      this.#buf.copyWithin(start + size, start + 1, this.#pos);
      this.#pos += size - 1;
    }
    let v = length;
    let p = start;
    while (v > 0x7f) {
      this.#buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.#buf[p] = v;
    return this;
  }
}
