import { create, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Quality, SensorReadingSchema, type ValidatedReading, ValidatedReadingSchema } from "@twinstate/proto";
import { secondsToTimestamp } from "../engine/event-time.ts";

/**
 * A line of an input file could not be read as a reading; names the file and line.
 */
export class ReadingInputError extends Error {
  readonly code = "READING_INPUT";
  constructor(message: string) {
    super(message);
    this.name = "ReadingInputError";
  }
}

/**
 * Parses one NDJSON line: the protobuf JSON of a ValidatedReading (`{"reading": {...}, "canonicalUnit": …}`,
 * what `telemetry.valid.v1` carries) or of a bare SensorReading (taken as already canonical).
 *
 * Why protobuf JSON: it is the exact mapping of the topic's messages, so a file exported from the topic
 * replays to the same estimates.
 */
export function parseReadingJson(line: string, where: string): ValidatedReading {
  let json: JsonValue;
  try {
    json = JSON.parse(line) as JsonValue;
  } catch (error) {
    throw new ReadingInputError(`${where}: not JSON: ${(error as Error).message}`);
  }
  try {
    if (typeof json === "object" && json !== null && !Array.isArray(json) && "reading" in json) {
      return fromJson(ValidatedReadingSchema, json);
    }
    const reading = fromJson(SensorReadingSchema, json);
    return create(ValidatedReadingSchema, { reading, canonicalUnit: reading.unit, originalUnit: reading.unit });
  } catch (error) {
    throw new ReadingInputError(`${where}: not a reading: ${(error as Error).message}`);
  }
}

const CSV_COLUMNS = ["tenant", "asset", "sensor", "event_time", "value", "unit"] as const;

/**
 * Parses CSV with a header naming at least tenant, asset, sensor, event_time, value, unit (optional
 * quality: GOOD/UNCERTAIN/BAD/SUBSTITUTED, and ingestion_time). `event_time` is RFC 3339 or seconds since
 * the epoch; `value` is a number or several separated by `;` for a vector.
 */
export class CsvReadingParser {
  readonly #index: Map<string, number>;
  readonly #source: string;

  constructor(header: string, source: string) {
    const names = header.split(",").map((h) => h.trim());
    this.#index = new Map(names.map((n, i) => [n, i]));
    this.#source = source;
    for (const c of CSV_COLUMNS) {
      if (!this.#index.has(c)) throw new ReadingInputError(`${source}:1: CSV header lacks column "${c}"`);
    }
  }

  parse(line: string, lineNumber: number): ValidatedReading {
    const where = `${this.#source}:${lineNumber}`;
    const cells = line.split(",").map((c) => c.trim());
    const cell = (name: string): string => cells[this.#index.get(name) ?? -1] ?? "";
    const eventTime = parseTime(cell("event_time"), where, "event_time");
    const raw = cell("value");
    const parts = raw.split(";").map(Number);
    if (raw === "" || parts.some((v) => !Number.isFinite(v))) {
      throw new ReadingInputError(`${where}: value "${raw}" is not a finite number`);
    }
    const unit = cell("unit");
    const qualityName = cell("quality").toUpperCase();
    const quality =
      qualityName === "" ? Quality.UNSPECIFIED : (Quality as unknown as Record<string, number>)[qualityName];
    if (quality === undefined) throw new ReadingInputError(`${where}: unknown quality "${qualityName}"`);
    const reading = create(SensorReadingSchema, {
      tenant: cell("tenant"),
      asset: cell("asset"),
      sensor: cell("sensor"),
      eventTime,
      unit,
      quality,
      value:
        parts.length === 1
          ? { case: "scalar", value: parts[0] as number }
          : { case: "vector", value: { components: parts } },
    });
    const ingestion = cell("ingestion_time");
    return create(ValidatedReadingSchema, {
      reading,
      canonicalUnit: unit,
      originalUnit: unit,
      ...(ingestion === "" ? {} : { ingestionTime: parseTime(ingestion, where, "ingestion_time") }),
    });
  }
}

function parseTime(text: string, where: string, column: string) {
  if (/^-?\d+(\.\d+)?$/.test(text)) return secondsToTimestamp(Number(text));
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new ReadingInputError(`${where}: ${column} "${text}" is not a time`);
  return timestampFromMs(ms);
}
