export { ProtoWriter } from "./proto-writer.ts";
export { encodeDeadLetterRecord, encodeValidatedReading } from "./telemetry-encoders.ts";
