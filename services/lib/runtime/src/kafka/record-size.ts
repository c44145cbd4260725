import type { Message } from "kafkajs";

/** Bytes a record adds to a v2 record batch beyond its key, value and header bytes (varints, attributes; upper bound). */
export const recordOverheadBytes = 24;

/** Bytes of a v2 record batch header (base offset … record count); each produced partition carries one. */
export const recordBatchOverheadBytes = 61;

/**
 * Upper-bound estimate of one record's size inside an uncompressed Kafka v2 record batch: key, value, header keys and
 * values, plus {@link recordOverheadBytes} and 6 bytes per header.
 *
 * Why an estimate: the broker's `message.max.bytes` limits the record batch of one partition in a produce request;
 * the processor splits its sends by this size so no batch crosses the limit, without encoding twice.
 */
export function recordSize(message: Message): number {
  let bytes = recordOverheadBytes + byteLength(message.key) + byteLength(message.value);
  const headers = message.headers;
  if (headers !== undefined) {
    for (const name in headers) {
      const value = headers[name];
      bytes += 6 + Buffer.byteLength(name);
      if (Array.isArray(value)) {
        for (const item of value) bytes += 6 + byteLength(item);
      } else {
        bytes += byteLength(value as Buffer | string | undefined);
      }
    }
  }
  return bytes;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "string" ? Buffer.byteLength(value) : value.length;
}
