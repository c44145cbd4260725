import { timestampMs } from "@bufbuild/protobuf/wkt";
import { type Alert, AlertState } from "@twinstate/proto";
import { RouteDeliveryError } from "./route-error.ts";

/** One alert in Alertmanager's v2 API (`POST /api/v2/alerts`, `postableAlert`). */
export interface AlertmanagerAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt?: string;
  readonly generatorURL?: string;
}

/**
 * The Alertmanager v2 form of an alert. A firing alert gets `endsAt = now + validForMs` (like Prometheus,
 * which sends 4× its resend interval), so Alertmanager resolves it by itself if we stop re-sending; a
 * resolved alert gets its real end, which Alertmanager treats as resolved once it is in the past.
 */
export function toAlertmanagerAlert(
  alert: Alert,
  options: { nowMs: number; validForMs: number; generatorURL?: string },
): AlertmanagerAlert {
  const startsAtMs = alert.startsAt === undefined ? options.nowMs : Number(timestampMs(alert.startsAt));
  const endsAtMs =
    alert.state === AlertState.RESOLVED && alert.endsAt !== undefined
      ? Number(timestampMs(alert.endsAt))
      : Math.max(options.nowMs + options.validForMs, startsAtMs + 1);
  return {
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    startsAt: new Date(startsAtMs).toISOString(),
    endsAt: new Date(Math.max(endsAtMs, startsAtMs)).toISOString(),
    ...(options.generatorURL === undefined ? {} : { generatorURL: options.generatorURL }),
  };
}

/** Options of {@link AlertmanagerClient}. */
export interface AlertmanagerClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:9093`. */
  readonly url: string;
  readonly timeoutMs?: number;
}

/** A minimal Alertmanager v2 API client: post alerts, read them back. */
export class AlertmanagerClient {
  readonly #base: string;
  readonly #timeoutMs: number;

  constructor(options: AlertmanagerClientOptions) {
    this.#base = options.url.replace(/\/+$/, "");
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** `POST /api/v2/alerts`; throws {@link RouteDeliveryError} unless Alertmanager answers 2xx. */
  async postAlerts(alerts: readonly AlertmanagerAlert[]): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(alerts),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new RouteDeliveryError("alertmanager", `POST failed: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text().catch(() => "");
    if (!response.ok) {
      throw new RouteDeliveryError("alertmanager", `HTTP ${response.status}: ${text.slice(0, 200)}`, {
        status: response.status,
      });
    }
  }

  /** `GET /api/v2/alerts` (active, silenced and inhibited included), optionally filtered by `label=value` matchers. */
  async getAlerts(filter: readonly string[] = []): Promise<GettableAlert[]> {
    const query = filter.map((f) => `filter=${encodeURIComponent(f)}`).join("&");
    const response = await fetch(`${this.#base}/api/v2/alerts${query === "" ? "" : `?${query}`}`, {
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    if (!response.ok) throw new RouteDeliveryError("alertmanager", `GET HTTP ${response.status}`);
    return (await response.json()) as GettableAlert[];
  }
}

/** An alert as `GET /api/v2/alerts` returns it (the fields we read). */
export interface GettableAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly fingerprint: string;
  readonly status: { readonly state: "active" | "suppressed" | "unprocessed" };
  readonly generatorURL?: string;
}
