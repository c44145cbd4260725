/**
 * Throughput of the ingest validator alone (no Kafka): the mixed stream of the integration tests (about 78%
 * valid), validated and its outputs encoded, on one core. Prints one JSON line per case.
 *
 * Why: separates the cost of validation from the cost of the Kafka pipeline in `service-throughput.ts`.
 */

import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import {
  ContractRegistry,
  loadContractDirectory,
  outcomeRecord,
  ReadingValidator,
  UnitRegistry,
  ValidationState,
} from "@twinstate/ingest";
import { SourcePositionSchema } from "@twinstate/proto";
import { mixedStream } from "../../services/ingest/test/mixed-stream.ts";

const count = Number(process.env.BENCH_READINGS ?? 200_000);
const units = new UnitRegistry();
const contractsDir = fileURLToPath(new URL("../../deploy/contracts", import.meta.url));
const nowMs = Date.now();
const inputs = mixedStream({ count, nowMs, seed: 11 });
const topics = { valid: "v", dlq: "d" };

function run(encode: boolean): number {
  const validator = new ReadingValidator({ contracts, units, state: new ValidationState(), maxMessageBytes: 1 << 20 });
  const begun = performance.now();
  for (let i = 0; i < inputs.length; i++) {
    const source = create(SourcePositionSchema, {
      origin: { case: "kafka", value: { topic: "raw", partition: 0, offset: BigInt(i) } },
    });
    const outcome = validator.validate(inputs[i]!.value, source, nowMs);
    if (encode) outcomeRecord(outcome, topics);
  }
  return inputs.length / ((performance.now() - begun) / 1000);
}

const contracts = new ContractRegistry(await loadContractDirectory(contractsDir, units));
run(true); // warm-up
for (const [name, encode] of [
  ["validator", false],
  ["validator+encode", true],
] as const) {
  const rates = [run(encode), run(encode), run(encode)].sort((a, b) => a - b);
  console.log(JSON.stringify({ case: name, readings: count, readings_per_s: Math.round(rates[1]!) }));
}
