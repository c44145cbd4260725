import { randomUUID } from "node:crypto";
import { create, toBinary } from "@bufbuild/protobuf";
import {
  type IngestService,
  type PublishResult,
  PublishResultSchema,
  type SensorReading,
  SensorReadingSchema,
  SourcePositionSchema,
} from "@twinstate/proto";
import {
  type CallContext,
  InvalidArgumentError,
  type Logger,
  type OutputRecord,
  type ServiceImplementation,
  UnavailableError,
} from "@twinstate/runtime";
import type { IngestMetrics } from "../metrics/ingest-metrics.ts";
import { type ReadingValidator, StateJournal, type ValidationOutcome } from "../validation/index.ts";
import { type OutcomeTopics, outcomeRecord } from "./outcome-record.ts";
import type { TransactionalPublisher } from "./transactional-publisher.ts";

/** Options of {@link createIngestGrpcService}. */
export interface IngestGrpcServiceOptions {
  readonly validator: ReadingValidator;
  readonly publisher: TransactionalPublisher;
  readonly topics: OutcomeTopics;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  readonly clock: () => number;
  /** Most readings per Publish call or PublishStream message. */
  readonly maxBatchReadings: number;
  /** PublishStream: batches validated but not yet committed before the server stops reading the stream. */
  readonly maxInFlightBatches: number;
}

/** Most rejections listed in a PublishStream response (the proto's bound). */
const MAX_STREAM_REJECTIONS = 1000;

interface ValidatedBatch {
  readonly results: PublishResult[];
  readonly records: OutputRecord[];
  readonly journal: StateJournal;
  /** Counted in metrics once the batch is published (a failed publish is retried by the client). */
  readonly outcomes: ValidationOutcome[];
  readonly seconds: number;
  accepted: number;
  rejected: number;
}

/**
 * The gRPC IngestService: Publish (a unary batch) and PublishStream (client streaming), both through the SAME
 * validator as the Kafka path, both answering per reading, both producing valid readings and dead letters in a
 * Kafka transaction before answering; the source of each reading is the gRPC peer and its index in the call.
 *
 * Flow control of PublishStream: the handler reads the next message only while fewer than
 * `maxInFlightBatches` of the call's batches are uncommitted; otherwise it waits for the oldest, so the HTTP/2
 * window fills and a client sending faster than ingest commits is slowed down instead of buffered without
 * bound. Original bytes of a rejected reading are its re-encoding (gRPC hands over decoded messages).
 *
 * Isolation (invariant 5): the caller is the runtime's authenticated principal (bearer token → tenant scopes and
 * roles; a stream is authenticated at its start). Each Publish call and each PublishStream message needs `write`
 * on every non-empty tenant of its readings; otherwise the call fails PERMISSION_DENIED and nothing of that
 * batch is published (messages of the stream committed before it stay committed).
 */
export function createIngestGrpcService(
  options: IngestGrpcServiceOptions,
): ServiceImplementation<typeof IngestService> {
  const logger = options.logger.child({ component: "ingest-grpc" });

  function validateBatch(
    readings: readonly SensorReading[],
    context: CallContext,
    callId: string,
    firstIndex: number,
  ): ValidatedBatch {
    if (readings.length > options.maxBatchReadings) {
      throw new InvalidArgumentError(
        `batch of ${readings.length} readings exceeds the limit of ${options.maxBatchReadings}`,
        { details: { readings: readings.length, limit: options.maxBatchReadings } },
      );
    }
    // Isolation (invariant 5): every tenant the batch writes to needs `write`, checked for the whole batch before
    // anything of it is validated or published, so a batch with one foreign tenant's reading is refused whole
    // (PERMISSION_DENIED). An empty tenant is the validator's to reject (dead letter), not a permission question.
    let allowed = "";
    for (const reading of readings) {
      if (reading.tenant === "" || reading.tenant === allowed) continue;
      context.requireTenant(reading.tenant, "write");
      allowed = reading.tenant;
    }
    const batch = {
      results: [] as PublishResult[],
      records: [] as OutputRecord[],
      journal: new StateJournal(),
      outcomes: [] as ValidationOutcome[],
      accepted: 0,
      rejected: 0,
    };
    const begun = performance.now();
    const now = options.clock();
    for (let i = 0; i < readings.length; i++) {
      const index = firstIndex + i;
      const source = create(SourcePositionSchema, {
        origin: { case: "grpc", value: { peer: context.peer, principal: context.principal.id, index, callId } },
      });
      const outcome = options.validator.validate(
        toBinary(SensorReadingSchema, readings[i]!),
        source,
        now,
        batch.journal,
      );
      batch.outcomes.push(outcome);
      batch.records.push(outcomeRecord(outcome, options.topics));
      if (outcome.accepted) {
        batch.accepted++;
        batch.results.push(create(PublishResultSchema, { index, accepted: true }));
      } else {
        batch.rejected++;
        batch.results.push(
          create(PublishResultSchema, {
            index,
            accepted: false,
            reason: outcome.record.reason,
            reasonDetail: outcome.record.reasonDetail,
          }),
        );
        if (logger.isLevelEnabled("debug")) {
          logger.debug(
            { reason: outcome.reason, peer: context.peer, index, detail: outcome.record.reasonDetail },
            "reading dead-lettered",
          );
        }
      }
    }
    return { ...batch, seconds: (performance.now() - begun) / 1000 };
  }

  async function commit(batch: ValidatedBatch): Promise<void> {
    try {
      await options.publisher.publish(batch.records);
      batch.journal.commit();
    } catch (error) {
      batch.journal.rollback();
      throw new UnavailableError("publishing the batch to Kafka failed; nothing of it was published, retry", {
        cause: error,
      });
    }
    for (const outcome of batch.outcomes) options.metrics.outcome("grpc", outcome);
    options.metrics.batch("grpc", batch.outcomes.length, batch.seconds);
  }

  return {
    async publish(request, context) {
      const callId = randomUUID();
      const batch = validateBatch(request.readings, context, callId, 0);
      await commit(batch);
      if (batch.rejected > 0) {
        logger.info(
          { peer: context.peer, callId, readings: request.readings.length, rejected: batch.rejected },
          "Publish with rejections",
        );
      }
      return { results: batch.results, acceptedCount: batch.accepted, rejectedCount: batch.rejected, callId };
    },

    async publishStream(requests, context) {
      const callId = randomUUID();
      const inFlight: Promise<void>[] = [];
      let index = 0;
      let accepted = 0n;
      let rejected = 0n;
      const rejections: PublishResult[] = [];
      for await (const request of requests) {
        const batch = validateBatch(request.readings, context, callId, index);
        index += request.readings.length;
        accepted += BigInt(batch.accepted);
        rejected += BigInt(batch.rejected);
        for (const r of batch.results) {
          if (!r.accepted && rejections.length < MAX_STREAM_REJECTIONS) rejections.push(r);
        }
        const committed = commit(batch);
        committed.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
        inFlight.push(committed);
        while (inFlight.length >= options.maxInFlightBatches) await inFlight.shift();
      }
      for (const p of inFlight) await p;
      logger.info(
        { peer: context.peer, callId, readings: index, accepted: String(accepted), rejected: String(rejected) },
        "PublishStream done",
      );
      return { acceptedCount: accepted, rejectedCount: rejected, rejections, callId };
    },
  };
}
