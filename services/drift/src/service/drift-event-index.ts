import { fromBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { type DriftEvent, DriftEventSchema, type ListDriftEventsRequest, Severity } from "@twinstate/proto";
import { type ConsumedMessage, InvalidArgumentError, type Kafka, type Logger } from "@twinstate/runtime";
import { WholeTopicTail } from "./whole-topic-tail.ts";

/** Default and largest page sizes of `ListDriftEvents`. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** A page of events and the token of the next one ("" when last). */
export interface DriftEventPage {
  readonly events: readonly DriftEvent[];
  readonly nextPageToken: string;
}

/** Position after which the next page starts: the last event returned, in (detected desc, id asc) order. */
interface Cursor {
  readonly t: number;
  readonly id: string;
}

/**
 * A bounded in-memory index of the drift topic for `ListDriftEvents`: the newest `capacity` events by
 * arrival, deduplicated by event id.
 *
 * Why in memory and bounded: the topic is the record; the index answers "what drifted lately" fast. Older
 * events fall out (oldest arrival first) and are then only in the topic — the capacity is configuration.
 * Pages are ordered newest `detected_time` first, then by event id, and the page token is that key of the
 * last event returned (keyset pagination), so pages stay consistent while new events arrive.
 */
export class DriftEventIndex {
  readonly #capacity: number;
  readonly #events = new Map<string, { event: DriftEvent; t: number }>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Adds one event (replacing one with the same id), evicting the oldest beyond capacity. */
  add(event: DriftEvent): void {
    this.#events.delete(event.eventId);
    this.#events.set(event.eventId, {
      event,
      t: event.detectedTime === undefined ? 0 : timestampMs(event.detectedTime),
    });
    while (this.#events.size > this.#capacity) {
      const oldest = this.#events.keys().next().value as string;
      this.#events.delete(oldest);
    }
  }

  /** Events held. */
  get size(): number {
    return this.#events.size;
  }

  /** One page of the events matching `request`. @throws InvalidArgumentError on a bad request or token. */
  list(request: ListDriftEventsRequest): DriftEventPage {
    if (request.tenant === "") throw new InvalidArgumentError("tenant is required", { details: { field: "tenant" } });
    if (request.pageSize > MAX_PAGE_SIZE) {
      throw new InvalidArgumentError(`page_size must be 1..${MAX_PAGE_SIZE} (0 = ${DEFAULT_PAGE_SIZE})`, {
        details: { field: "page_size", value: request.pageSize },
      });
    }
    const size = request.pageSize === 0 ? DEFAULT_PAGE_SIZE : request.pageSize;
    const cursor = request.pageToken === "" ? undefined : decodeToken(request.pageToken);
    const after = request.detectedAfter === undefined ? Number.NEGATIVE_INFINITY : timestampMs(request.detectedAfter);
    const before =
      request.detectedBefore === undefined ? Number.POSITIVE_INFINITY : timestampMs(request.detectedBefore);
    const matching: { event: DriftEvent; t: number }[] = [];
    for (const entry of this.#events.values()) {
      const e = entry.event;
      if (e.tenant !== request.tenant) continue;
      if (request.asset !== "" && e.asset !== request.asset) continue;
      if (request.sensor !== "" && e.sensor !== request.sensor) continue;
      if (request.detector !== "" && e.detector !== request.detector) continue;
      if (request.minSeverity !== Severity.UNSPECIFIED && e.severity < request.minSeverity) continue;
      if (entry.t < after || entry.t >= before) continue;
      if (cursor !== undefined && !isAfter(entry.t, e.eventId, cursor)) continue;
      matching.push(entry);
    }
    matching.sort(
      (a, b) => b.t - a.t || (a.event.eventId < b.event.eventId ? -1 : a.event.eventId > b.event.eventId ? 1 : 0),
    );
    const page = matching.slice(0, size);
    const last = page[page.length - 1];
    const nextPageToken =
      matching.length > size && last !== undefined ? encodeToken({ t: last.t, id: last.event.eventId }) : "";
    return { events: page.map((p) => p.event), nextPageToken };
  }
}

/** Whether (t, id) comes after the cursor in (t desc, id asc) order. */
function isAfter(t: number, id: string, c: Cursor): boolean {
  return t < c.t || (t === c.t && id > c.id);
}

function encodeToken(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), "utf8").toString("base64url");
}

function decodeToken(token: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<Cursor>;
    if (typeof c.t === "number" && typeof c.id === "string") return { t: c.t, id: c.id };
  } catch {
    // fall through
  }
  throw new InvalidArgumentError("page_token is not one this service issued", { details: { field: "page_token" } });
}

/** Options of {@link DriftTopicFollower}. */
export interface DriftTopicFollowerOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly topic: string;
  /** Consumer group prefix (unique per worker: every worker indexes the whole topic); see {@link WholeTopicTail}. */
  readonly groupId: string;
  readonly index: DriftEventIndex;
  readonly onEvent?: () => void;
  /** Called when the consumer crashes for good (the service should exit). */
  readonly onFatal?: (error: Error) => void;
}

/**
 * Tails the drift topic (read_committed, from the beginning on every start, see {@link WholeTopicTail}) into a
 * {@link DriftEventIndex}, so every worker answers `ListDriftEvents` for all tenants' events, whichever worker
 * detected them.
 */
export class DriftTopicFollower {
  readonly #o: DriftTopicFollowerOptions;
  readonly #tail: WholeTopicTail;

  constructor(options: DriftTopicFollowerOptions) {
    this.#o = options;
    this.#tail = new WholeTopicTail({
      kafka: options.kafka,
      logger: options.logger,
      topic: options.topic,
      groupIdPrefix: options.groupId,
      handler: (message) => this.#index(message),
      ...(options.onFatal === undefined ? {} : { onFatal: options.onFatal }),
    });
  }

  async start(): Promise<void> {
    await this.#tail.start();
  }

  async shutdown(): Promise<void> {
    await this.#tail.shutdown();
  }

  /** Indexes one record (never throws: an undecodable event is logged and skipped). */
  #index(message: ConsumedMessage): void {
    if (message.value === null) return;
    try {
      this.#o.index.add(fromBinary(DriftEventSchema, message.value));
      this.#o.onEvent?.();
    } catch (error) {
      this.#o.logger.error({ err: error, offset: message.offset }, "undecodable drift event not indexed");
    }
  }
}
