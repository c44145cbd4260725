#!/usr/bin/env node
/**
 * `dlq-replay` — publishes the original bytes of dead letters back to the raw topic after their cause was fixed
 * (a corrected contract, a new binding), so ingest validates them again. See docs/OPERATIONS.md.
 *
 *   node services/ingest/src/cli/dlq-replay.ts --from 2026-11-27T10:00:00Z --to 2026-11-27T12:00:00Z \
 *     --reason UNIT_MISMATCH --contract acme/pumps [--tenant acme] [--dry-run]
 *
 * Connects like the ingest service (KAFKA_BROKERS, KAFKA_TLS_*, KAFKA_SASL_*, TWINSTATE_CONFIG; topics from
 * INGEST_DLQ_TOPIC / INGEST_RAW_TOPIC) and prints a JSON summary on stdout. Exit 0 on success, 2 on bad
 * arguments, 1 when Kafka fails.
 */
import { pathToFileURL } from "node:url";
import { createKafka, createLogger } from "@twinstate/runtime";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { loadIngestConfig } from "../config/ingest-config.ts";
import { replayDeadLetters } from "../dlq/replay-dead-letters.ts";
import { REASON_CODES, type ReasonCode } from "../validation/index.ts";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function instant(value: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(`not an ISO-8601 time: ${value}`);
  return ms;
}

function reason(value: string, previous: ReasonCode[]): ReasonCode[] {
  const code = value.toUpperCase();
  if (!(REASON_CODES as readonly string[]).includes(code)) {
    throw new InvalidArgumentError(`unknown reason ${value} (one of ${REASON_CODES.join(", ")})`);
  }
  return [...previous, code as ReasonCode];
}

/** Builds the command (exported for tests). */
export function createProgram(environment: Readonly<Record<string, string | undefined>> = process.env): Command {
  return new Command("dlq-replay")
    .description("publish dead letters' original bytes back to the raw topic, to be validated again")
    .option("--from <time>", "rejected at or after (ISO-8601)", instant)
    .option("--to <time>", "rejected before (ISO-8601)", instant)
    .option("--reason <code>", "reason code, repeatable (default: all)", reason, [])
    .option("--contract <id>", "contract id that rejected it, repeatable (default: all)", collect, [])
    .option("--tenant <tenant>", "tenant, repeatable (default: all)", collect, [])
    .option("--dry-run", "count what would be replayed, publish nothing", false)
    .exitOverride()
    .action(
      async (opts: {
        from?: number;
        to?: number;
        reason: ReasonCode[];
        contract: string[];
        tenant: string[];
        dryRun: boolean;
      }) => {
        const config = loadIngestConfig(environment);
        const logger = createLogger({ service: "dlq-replay", level: config.logLevel });
        const kafka = createKafka({ config: config.kafka, defaultClientId: "twinstate-dlq-replay", logger });
        const summary = await replayDeadLetters({
          kafka,
          logger,
          dlqTopic: config.ingest.topics.dlq,
          rawTopic: config.ingest.topics.raw,
          filter: {
            fromMs: opts.from,
            toMs: opts.to,
            reasons: opts.reason,
            contracts: opts.contract,
            tenants: opts.tenant,
          },
          dryRun: opts.dryRun,
        });
        process.stdout.write(`${JSON.stringify({ dryRun: opts.dryRun, ...summary })}\n`);
      },
    );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    await createProgram().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    process.stderr.write(`dlq-replay: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
