import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, test } from "@jest/globals";
import { DeadLetterReason, DeadLetterRecordSchema } from "@twinstate/proto";
import { createLogger } from "@twinstate/runtime";
import { REPLAYED_FROM_HEADER, replayDeadLetters } from "../src/dlq/replay-dead-letters.ts";
import { ORIGINAL_TRUNCATED_HEADER } from "../src/service/bounded-dead-letter.ts";
import { brokers, freshTopics, testKafka } from "./ingest-harness.ts";

const run = promisify(execFile);
const T0 = Date.UTC(2026, 10, 27, 10, 0, 0);

interface Letter {
  readonly n: number;
  readonly reason: DeadLetterReason;
  readonly contract: string;
  readonly tenant: string;
  readonly atMs: number;
  readonly truncated?: boolean;
}

/** 60 dead letters: reasons, contracts, tenants and rejection times vary with n. */
function letters(): Letter[] {
  const reasons = [DeadLetterReason.UNIT_UNKNOWN, DeadLetterReason.CONTRACT_MISSING, DeadLetterReason.OUT_OF_RANGE];
  return Array.from({ length: 60 }, (_, n) => ({
    n,
    reason: reasons[n % 3]!,
    contract: n % 2 === 0 ? "acme/pumps" : "acme/fans",
    tenant: n % 5 === 0 ? "globex" : "acme",
    atMs: T0 + n * 60_000, // one a minute from 10:00
    truncated: n === 6,
  }));
}

const original = (n: number) => Buffer.from(`original-bytes-${n}`);

describe("dlq-replay (real broker)", () => {
  test("replays exactly the matching dead letters' original bytes to the raw topic, with their key and origin", async () => {
    const kafka = testKafka("dlq-replay-test");
    const ids = await freshTopics(kafka, 3);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const all = letters();
    await producer.send({
      topic: ids.dlq,
      acks: -1,
      messages: [
        ...all.map((l) => ({
          key: `${l.tenant}/asset-${l.n}`,
          value: Buffer.from(
            toBinary(
              DeadLetterRecordSchema,
              create(DeadLetterRecordSchema, {
                original: original(l.n),
                reason: l.reason,
                reasonDetail: `detail ${l.n}`,
                rejectedAt: timestampFromMs(l.atMs),
                contractId: l.contract,
                tenant: l.tenant,
                asset: `asset-${l.n}`,
              }),
            ),
          ),
          headers: l.truncated === true ? { [ORIGINAL_TRUNCATED_HEADER]: "true" } : {},
        })),
        { key: "junk", value: Buffer.from([0xff, 0xff, 0xff]) }, // not a DeadLetterRecord
      ],
    });
    await producer.disconnect();

    // CONTRACT_MISSING or UNIT_UNKNOWN of contract acme/pumps, tenant acme, rejected 10:00 ≤ t < 10:40
    const filter = {
      fromMs: T0,
      toMs: T0 + 40 * 60_000,
      reasons: ["CONTRACT_MISSING", "UNIT_UNKNOWN"] as const,
      contracts: ["acme/pumps"],
      tenants: ["acme"],
    };
    const expected = all.filter(
      (l) =>
        l.atMs < filter.toMs &&
        [DeadLetterReason.CONTRACT_MISSING, DeadLetterReason.UNIT_UNKNOWN].includes(l.reason) &&
        l.contract === "acme/pumps" &&
        l.tenant === "acme",
    );
    const replayable = expected.filter((l) => l.truncated !== true);
    expect(replayable.length).toBeGreaterThan(5);
    expect(replayable.length).toBeLessThan(expected.length); // the truncated one matches but is not replayed

    const logger = createLogger({ service: "test", level: "warn" });
    const dry = await replayDeadLetters({
      kafka,
      logger,
      dlqTopic: ids.dlq,
      rawTopic: ids.raw,
      filter: { ...filter, reasons: [...filter.reasons] },
      dryRun: true,
    });
    expect(dry).toMatchObject({ read: 61, matched: expected.length, replayed: 0, truncated: 1, undecodable: 1 });

    const summary = await replayDeadLetters({
      kafka,
      logger,
      dlqTopic: ids.dlq,
      rawTopic: ids.raw,
      filter: { ...filter, reasons: [...filter.reasons] },
      dryRun: false,
    });
    expect(summary).toMatchObject({ read: 61, matched: expected.length, replayed: replayable.length, truncated: 1 });
    expect(Object.values(summary.byReason).reduce((a, b) => a + b, 0)).toBe(expected.length);

    // the raw topic now holds exactly those originals, keyed as before, each naming its dead letter
    const consumer = kafka.consumer({ groupId: `raw-check-${ids.groupId}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [ids.raw], fromBeginning: true });
    const got: { key: string; value: string; from: string }[] = [];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push({
            key: message.key?.toString() ?? "",
            value: message.value?.toString() ?? "",
            from: message.headers?.[REPLAYED_FROM_HEADER]?.toString() ?? "",
          });
          if (got.length >= replayable.length) {
            clearTimeout(timer);
            setTimeout(resolve, 1000); // and nothing more arrives
          }
        },
      });
    });
    await consumer.disconnect();
    expect(got.map((g) => g.value).sort()).toEqual(replayable.map((l) => original(l.n).toString()).sort());
    expect(new Set(got.map((g) => g.key))).toEqual(new Set(replayable.map((l) => `acme/asset-${l.n}`)));
    for (const g of got) expect(g.from).toMatch(new RegExp(`^${ids.dlq.replaceAll(".", "\\.")}:\\d+@\\d+$`));

    // the CLI: same filters from the command line, configured like the service (dry run)
    const cli = await run(
      process.execPath,
      [
        new URL("../src/cli/dlq-replay.ts", import.meta.url).pathname,
        "--from",
        new Date(filter.fromMs).toISOString(),
        "--to",
        new Date(filter.toMs).toISOString(),
        "--reason",
        "contract_missing",
        "--reason",
        "UNIT_UNKNOWN",
        "--contract",
        "acme/pumps",
        "--tenant",
        "acme",
        "--dry-run",
      ],
      {
        env: {
          PATH: process.env.PATH ?? "",
          KAFKA_BROKERS: brokers().join(","),
          INGEST_DLQ_TOPIC: ids.dlq,
          INGEST_RAW_TOPIC: ids.raw,
          LOG_LEVEL: "warn",
        },
      },
    );
    expect(JSON.parse(cli.stdout.trim())).toMatchObject({ dryRun: true, matched: expected.length, replayed: 0 });

    // a bad argument is refused before anything is read (exit code 2)
    await expect(
      run(process.execPath, [new URL("../src/cli/dlq-replay.ts", import.meta.url).pathname, "--reason", "BOGUS"], {
        env: { PATH: process.env.PATH ?? "", KAFKA_BROKERS: brokers().join(",") },
      }),
    ).rejects.toMatchObject({ code: 2 });
  });
});
