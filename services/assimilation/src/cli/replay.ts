import { once } from "node:events";
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { toJsonString } from "@bufbuild/protobuf";
import { EstimateStatus, StateEstimateSchema, type ValidatedReading } from "@twinstate/proto";
import { DefinitionCatalog } from "../definitions/definition-catalog.ts";
import { loadAssetBindingsFile, loadTwinDefinitionFile } from "../definitions/load-twin-definition.ts";
import type { TwinClass } from "../definitions/twin-class.ts";
import { TwinEngine } from "../engine/twin-engine.ts";
import { CsvReadingParser, parseReadingJson } from "../io/reading-input.ts";

/** Options of {@link replay}. */
export interface ReplayOptions {
  /** Twin definition files. */
  readonly twins: readonly string[];
  /** Binding files; without any, every asset in the input is bound to the first definition. */
  readonly bindings: readonly string[];
  /** Readings, NDJSON (protobuf JSON of ValidatedReading or SensorReading) or CSV (by `.csv` extension). */
  readonly input: string;
  /** Estimates out, NDJSON (protobuf JSON of StateEstimate), one line per reading in input order. */
  readonly out: string;
  /** Called with (bytes read, total bytes) as the input is consumed, for a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What a replay did. */
export interface ReplaySummary {
  readings: number;
  twins: number;
  byStatus: Record<string, number>;
}

/**
 * Runs twins over a file of readings with exactly the service's code path ({@link TwinEngine.process}),
 * writing one estimate per reading.
 *
 * Why the engine and nothing else: backtests and the service must never disagree; the integration tests
 * compare this output with the service's, bit for bit.
 */
export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  const catalog = new DefinitionCatalog();
  const classes: TwinClass[] = options.twins.map((path) => loadTwinDefinitionFile(path));
  for (const c of classes) catalog.putClass(c);
  for (const path of options.bindings) for (const b of loadAssetBindingsFile(path)) catalog.bind(b, path);
  const defaultClass = options.bindings.length === 0 ? classes[0] : undefined;
  const engine = new TwinEngine(catalog);

  const total = statSync(options.input).size;
  const isCsv = options.input.toLowerCase().endsWith(".csv");
  const input = createReadStream(options.input, { encoding: "utf8" });
  const out = createWriteStream(options.out);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const summary: ReplaySummary = { readings: 0, twins: 0, byStatus: {} };
  let csv: CsvReadingParser | undefined;
  let lineNumber = 0;
  let done = 0;
  for await (const line of lines) {
    lineNumber++;
    done += Buffer.byteLength(line) + 1;
    if (line.trim() === "") continue;
    let reading: ValidatedReading;
    if (isCsv) {
      if (csv === undefined) {
        csv = new CsvReadingParser(line, options.input);
        continue;
      }
      reading = csv.parse(line, lineNumber);
    } else {
      reading = parseReadingJson(line, `${options.input}:${lineNumber}`);
    }
    if (defaultClass !== undefined) {
      const key = `${reading.reading?.tenant}/${reading.reading?.asset}`;
      if (catalog.binding(key) === undefined && reading.reading !== undefined) {
        catalog.bind(
          {
            asset: key,
            twinClass: defaultClass.id,
            version: defaultClass.version,
            initial: { mean: {}, std: {} },
            parameters: {},
          },
          options.input,
        );
      }
    }
    const estimate = engine.process(reading);
    summary.readings++;
    const status = EstimateStatus[estimate.status] ?? String(estimate.status);
    summary.byStatus[status] = (summary.byStatus[status] ?? 0) + 1;
    if (!out.write(`${toJsonString(StateEstimateSchema, estimate)}\n`)) await once(out, "drain");
    if (summary.readings % 1000 === 0) options.onProgress?.(done, total);
  }
  options.onProgress?.(total, total);
  out.end();
  await once(out, "finish");
  summary.twins = engine.size;
  return summary;
}
