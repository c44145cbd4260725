import { createServer, type IncomingMessage, type Server } from "node:http";
import { gunzipSync } from "node:zlib";

/** One span as received over OTLP/HTTP, flattened with its resource's service name and scope. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP SpanKind number (1 internal, 2 server, 3 client, 4 producer, 5 consumer). */
  readonly kind: number;
  /** `service.name` of the exporting process. */
  readonly service: string;
  readonly scope: string;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpJson {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{
      scope?: { name?: string };
      spans?: Array<{
        traceId?: string;
        spanId?: string;
        parentSpanId?: string;
        name?: string;
        kind?: number;
        attributes?: OtlpKeyValue[];
      }>;
    }>;
  }>;
}

function attributes(list: readonly OtlpKeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if (value === undefined) continue;
    const v = value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
    if (v !== undefined) out[key] = typeof v === "string" && value.intValue !== undefined ? Number(v) : v;
  }
  return out;
}

/** OTLP JSON encodes ids as hex (the spec) — but accept base64 too, as some encoders produce it. */
function hexId(id: string | undefined): string {
  if (id === undefined || id === "") return "";
  if (/^[0-9a-f]+$/i.test(id) && (id.length === 32 || id.length === 16)) return id.toLowerCase();
  return Buffer.from(id, "base64").toString("hex");
}

function body(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/**
 * A tiny OTLP/HTTP trace receiver on loopback: accepts `POST /v1/traces` with the JSON encoding (what
 * `@opentelemetry/exporter-trace-otlp-http` sends, gzip or not) and keeps every span in memory. Anything
 * else (e.g. the protobuf encoding) is answered 415 and remembered in `rejected`, so a test sees why
 * spans are missing.
 *
 * Why our own: the services run as separate processes with their real tracing set-up (OTLP export is
 * configuration); no collector is available here.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly rejected: string[] = [];
  readonly #server: Server;
  #port = 0;

  constructor() {
    this.#server = createServer((request, response) => {
      void (async () => {
        try {
          let data = await body(request);
          if (request.headers["content-encoding"] === "gzip") data = gunzipSync(data);
          const type = request.headers["content-type"] ?? "";
          if (request.method !== "POST" || request.url !== "/v1/traces" || !type.includes("json")) {
            this.rejected.push(`${request.method} ${request.url} ${type}`);
            response.writeHead(415).end();
            return;
          }
          this.#ingest(JSON.parse(data.toString("utf8")) as OtlpJson);
          response.writeHead(200, { "content-type": "application/json" }).end("{}");
        } catch (error) {
          this.rejected.push(`error: ${(error as Error).message}`);
          response.writeHead(400).end();
        }
      })();
    });
  }

  /** Listens on 127.0.0.1 (a free port); resolves with the base endpoint for OTEL_EXPORTER_OTLP_ENDPOINT. */
  start(): Promise<string> {
    return new Promise((resolve) => {
      this.#server.listen(0, "127.0.0.1", () => {
        const address = this.#server.address();
        this.#port = typeof address === "object" && address !== null ? address.port : 0;
        resolve(this.endpoint);
      });
    });
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The spans of one trace. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #ingest(payload: OtlpJson): void {
    for (const rs of payload.resourceSpans ?? []) {
      const service = String(attributes(rs.resource?.attributes)["service.name"] ?? "");
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            traceId: hexId(s.traceId),
            spanId: hexId(s.spanId),
            parentSpanId: hexId(s.parentSpanId),
            name: s.name ?? "",
            kind: s.kind ?? 0,
            service,
            scope: ss.scope?.name ?? "",
            attributes: attributes(s.attributes),
          });
        }
      }
    }
  }
}
