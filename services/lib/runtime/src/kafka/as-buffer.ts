/**
 * A Buffer over the same memory as `bytes`, for a record value or key (kafkajs wants Buffers).
 *
 * Why not `Buffer.from(bytes)`: that copies, once per output record; the encoded message (e.g. protobuf-es
 * `toBinary`'s result) is not touched afterwards, so sharing its memory is safe and free.
 */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
