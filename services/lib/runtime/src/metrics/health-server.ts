import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Readiness } from "./readiness.ts";

/** Options of {@link HealthServer}. */
export interface HealthServerOptions {
  /** Port to listen on; 0 picks a free port (see {@link HealthServer.start}'s result). */
  readonly port: number;
  /** Host to bind (default all interfaces). */
  readonly host?: string;
  readonly registry: Registry;
  readonly readiness: Readiness;
  readonly logger: Logger;
}

/**
 * The service's HTTP side port: `/metrics` (Prometheus text), `/healthz` (liveness: the process answers) and
 * `/readyz` (200 only when the lifecycle is running and every readiness check passes, else 503 with a JSON body
 * naming the failing checks).
 *
 * Why separate from gRPC: Kubernetes probes and Prometheus scrape plain HTTP, and they must keep answering
 * while the gRPC server drains.
 */
export class HealthServer {
  readonly #options: HealthServerOptions;
  readonly #logger: Logger;
  #server: Server | undefined;

  constructor(options: HealthServerOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: "health-server" });
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  async start(): Promise<number> {
    const server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        this.#logger.error({ err: error, url: request.url }, "health server request failed");
        if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
        response.end("internal error\n");
      });
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#options.port, this.#options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    this.#logger.info({ port }, "health server listening");
    return port;
  }

  /** The bound port (after start). */
  get port(): number | undefined {
    const address = this.#server?.address();
    return typeof address === "object" && address !== null ? address.port : undefined;
  }

  /** Stops accepting connections and closes idle keep-alive ones; resolves when closed. */
  async shutdown(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    switch (path) {
      case "/metrics": {
        const body = await this.#options.registry.metrics();
        response.writeHead(200, { "content-type": this.#options.registry.contentType }).end(body);
        return;
      }
      case "/healthz":
        json(response, 200, { status: "ok" });
        return;
      case "/readyz": {
        const report = await this.#options.readiness.evaluate();
        const failing = report.checks.filter((check) => !check.ok);
        if (report.ready) {
          json(response, 200, { status: "ready", state: report.state, checks: report.checks });
        } else {
          json(response, 503, {
            status: "not ready",
            state: report.state,
            ...(report.state === "running" ? {} : { reason: `lifecycle is ${report.state}, not running` }),
            failing,
            checks: report.checks,
          });
        }
        return;
      }
      default:
        response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(`${JSON.stringify(body)}\n`);
}
