import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  type AssetBinding,
  AssetBindingSchema,
  DefinitionFormat,
  type TwinDefinition,
  TwinDefinitionSchema,
} from "@twinstate/proto";
import { type Logger, readTopicToEnd } from "@twinstate/runtime";
import type { Consumer, Kafka, Producer } from "kafkajs";
import type { DefinitionCatalog } from "../definitions/definition-catalog.ts";
import { DefinitionError } from "../definitions/definition-error.ts";
import { parseTwinDefinition } from "../definitions/load-twin-definition.ts";
import type { TwinClass } from "../definitions/twin-class.ts";
import type { AssetBindingDocument } from "../definitions/twin-definition-schema.ts";

/** Key of a class version record: `class/<id>/<version>`. */
export const classKey = (id: string, version: number): string => `class/${id}/${version}`;
/** Key of a binding record: `binding/<tenant>/<asset>`. */
export const bindingKey = (asset: string): string => `binding/${asset}`;

/** Compiles a TwinDefinition record (validating it exactly like a file). @throws DefinitionError */
export function twinClassOf(definition: TwinDefinition, source: string): TwinClass {
  const format =
    definition.format === DefinitionFormat.JSON
      ? "json"
      : definition.format === DefinitionFormat.YAML
        ? "yaml"
        : undefined;
  if (format === undefined) throw new DefinitionError(source, [{ field: "format", message: "must be JSON or YAML" }]);
  const twinClass = parseTwinDefinition(definition.document, format, source);
  if (twinClass.id !== definition.twinClassId || twinClass.version !== definition.version) {
    throw new DefinitionError(source, [
      {
        field: "twinClass",
        message: `document is ${twinClass.id} v${twinClass.version}, record says ${definition.twinClassId} v${definition.version}`,
      },
    ]);
  }
  return twinClass;
}

/** The binding document of an AssetBinding record. */
export function bindingOf(binding: AssetBinding): AssetBindingDocument {
  return {
    asset: `${binding.tenant}/${binding.asset}`,
    twinClass: binding.twinClassId,
    version: binding.twinClassVersion,
    initial: { mean: { ...binding.initialMean }, std: { ...binding.initialStdDev } },
    parameters: { ...binding.parameterOverrides },
  };
}

/** The AssetBinding record of a binding document. */
export function bindingRecord(binding: AssetBindingDocument): AssetBinding {
  const [tenant, asset] = binding.asset.split("/") as [string, string];
  return create(AssetBindingSchema, {
    tenant,
    asset,
    twinClassId: binding.twinClass,
    twinClassVersion: binding.version,
    initialMean: binding.initial.mean,
    initialStdDev: binding.initial.std,
    parameterOverrides: binding.parameters,
    boundAt: timestampNow(),
  });
}

/** Options of {@link DefinitionsTopic}. */
export interface DefinitionsTopicOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly topic: string;
  readonly catalog: DefinitionCatalog;
  /** Consumer group for tailing (unique per worker: every worker reads the whole topic). */
  readonly groupId: string;
}

/**
 * The compacted twin.definitions.v1 topic, seen from a worker: loads it whole at start (before any reading
 * is processed), then tails it so new class versions and bindings apply without restart, and publishes what
 * the admin API accepts.
 *
 * Why a record that fails validation is skipped, not fatal: the topic is shared, and one bad record (e.g.
 * from a newer writer) must not stop every worker; it is logged with the errors naming its key and field.
 */
export class DefinitionsTopic {
  readonly #o: DefinitionsTopicOptions;
  #consumer: Consumer | undefined;
  #producer: Producer | undefined;
  #loaded = false;

  constructor(options: DefinitionsTopicOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    const { messages } = await readTopicToEnd(this.#o.kafka, this.#o.topic, [0], (m) => this.#apply(m.key, m.value));
    this.#o.logger.info({ topic: this.#o.topic, records: messages }, "definitions loaded from topic");
    this.#loaded = true;
    this.#producer = this.#o.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.#producer.connect();
    this.#consumer = this.#o.kafka.consumer({ groupId: this.#o.groupId, readUncommitted: false, maxWaitTimeInMs: 250 });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [this.#o.topic], fromBeginning: true });
    await this.#consumer.run({
      autoCommit: true,
      eachMessage: async ({ message }) => this.#apply(message.key, message.value),
    });
  }

  isReady(): { ok: boolean; reason?: string } {
    return this.#loaded ? { ok: true } : { ok: false, reason: "definitions topic not loaded yet" };
  }

  async shutdown(): Promise<void> {
    await this.#consumer?.disconnect();
    await this.#producer?.disconnect();
  }

  /** Publishes a class version (already validated by the caller). */
  async publishClass(definition: TwinDefinition): Promise<void> {
    await this.#send(classKey(definition.twinClassId, definition.version), toBinary(TwinDefinitionSchema, definition));
  }

  /** Publishes a binding. */
  async publishBinding(binding: AssetBinding): Promise<void> {
    await this.#send(bindingKey(`${binding.tenant}/${binding.asset}`), toBinary(AssetBindingSchema, binding));
  }

  async #send(key: string, value: Uint8Array): Promise<void> {
    if (this.#producer === undefined) throw new Error("definitions topic not started");
    await this.#producer.send({ topic: this.#o.topic, acks: -1, messages: [{ key, value: Buffer.from(value) }] });
  }

  #apply(keyBytes: Buffer | null, value: Buffer | null): void {
    const key = keyBytes?.toString() ?? "";
    if (value === null) return;
    const source = `${this.#o.topic}:${key}`;
    try {
      if (key.startsWith("class/")) {
        const outcome = this.#o.catalog.putClass(twinClassOf(fromBinary(TwinDefinitionSchema, value), source));
        if (outcome === "added") this.#o.logger.info({ key }, "twin class version added");
      } else if (key.startsWith("binding/")) {
        this.#o.catalog.bind(bindingOf(fromBinary(AssetBindingSchema, value)), source);
      } else {
        this.#o.logger.warn({ key }, "unknown definitions record skipped");
      }
    } catch (error) {
      this.#o.logger.error({ err: error, key }, "invalid definitions record skipped");
    }
  }
}
