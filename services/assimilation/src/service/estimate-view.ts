import { EventEmitter } from "node:events";
import { fromBinary } from "@bufbuild/protobuf";
import { type StateEstimate, StateEstimateSchema } from "@twinstate/proto";
import type { Logger } from "@twinstate/runtime";
import type { Consumer, Kafka } from "kafkajs";
import { type EstimateHeader, peekEstimateHeader } from "./estimate-header.ts";

/** Options of {@link EstimateView}. */
export interface EstimateViewOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly topic: string;
  /** Unique per worker: every worker reads every partition. */
  readonly groupId: string;
}

/** The latest estimate of one asset: its header and its bytes (decoded on demand). */
interface Entry {
  readonly header: EstimateHeader;
  readonly bytes: Uint8Array;
}

/**
 * Every worker's local view of twin.estimates.v1: the latest committed estimate of every asset, whichever
 * worker owns it, and a feed of new ones for StreamEstimates.
 *
 * Why a view and not forwarding to the owner: queries must be answered correctly while partitions move
 * (rebalances, crashes); the estimates topic is the committed truth (read_committed), so any worker can
 * answer any query without knowing who owns what, and a subscriber never sees an estimate that a crash
 * later rolled back. The cost is memory per asset on every worker and a lag of one transaction.
 *
 * Why bytes and not decoded estimates: the view sees every estimate of the cluster, most of which are never
 * queried. Only the header is read on arrival ({@link peekEstimateHeader}); an estimate is decoded when a query
 * or a live StreamEstimates subscriber needs it. Fully decoding each one cost ~6% of a worker's CPU and kept a
 * large object per asset churning through the old generation.
 */
export class EstimateView {
  readonly #o: EstimateViewOptions;
  readonly #latest = new Map<string, Entry>();
  readonly #events = new EventEmitter();
  #consumer: Consumer | undefined;

  constructor(options: EstimateViewOptions) {
    this.#o = options;
    this.#events.setMaxListeners(0);
  }

  async start(): Promise<void> {
    this.#consumer = this.#o.kafka.consumer({ groupId: this.#o.groupId, readUncommitted: false, maxWaitTimeInMs: 250 });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [this.#o.topic], fromBeginning: true });
    await this.#consumer.run({
      autoCommit: true,
      eachMessage: async ({ message }) => {
        if (message.value !== null) this.offer(message.value);
      },
    });
  }

  async shutdown(): Promise<void> {
    await this.#consumer?.disconnect();
  }

  /** Records an encoded estimate (newer sequence wins) and notifies subscribers; undecodable bytes are skipped. */
  offer(bytes: Uint8Array): void {
    let header: EstimateHeader;
    try {
      header = peekEstimateHeader(bytes);
    } catch (error) {
      this.#o.logger.warn({ err: error }, "undecodable estimate skipped");
      return;
    }
    if (header.twinClassId === "") return;
    const key = `${header.tenant}/${header.asset}`;
    const existing = this.#latest.get(key);
    // A copy: the consumer's bytes are a view into the whole fetch response, which must not stay alive.
    if (existing === undefined || header.sequence >= existing.header.sequence) {
      this.#latest.set(key, { header, bytes: new Uint8Array(bytes) });
    }
    if (this.#events.listenerCount("estimate") === 0) return;
    let estimate: StateEstimate;
    try {
      estimate = fromBinary(StateEstimateSchema, bytes);
    } catch (error) {
      this.#o.logger.warn({ err: error }, "undecodable estimate skipped");
      return;
    }
    this.#events.emit("estimate", estimate);
  }

  /** The latest estimate of "tenant/asset". */
  latest(key: string): StateEstimate | undefined {
    const entry = this.#latest.get(key);
    return entry === undefined ? undefined : fromBinary(StateEstimateSchema, entry.bytes);
  }

  /** Headers of the latest estimates of a tenant, ordered by asset name. */
  list(tenant: string): EstimateHeader[] {
    const headers: EstimateHeader[] = [];
    for (const { header } of this.#latest.values()) if (header.tenant === tenant) headers.push(header);
    return headers.sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0));
  }

  /** Subscribes to new estimates; returns the unsubscribe function. */
  subscribe(listener: (estimate: StateEstimate) => void): () => void {
    this.#events.on("estimate", listener);
    return () => this.#events.off("estimate", listener);
  }
}
