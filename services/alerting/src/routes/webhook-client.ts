import { idempotencyKeyHeader, signatureHeader, signBody } from "./hmac-signature.ts";
import { RouteDeliveryError } from "./route-error.ts";

/** One alert inside a webhook notification. */
export interface WebhookAlert {
  readonly fingerprint: string;
  readonly status: "firing" | "resolved";
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt?: string;
  readonly ruleId: string;
  /** `<fingerprint>:<status>:<startsAt ms>`: the same transition always has the same id. */
  readonly transitionId: string;
}

/**
 * The JSON body of a webhook notification: one group of alert transitions (alerts sharing the configured
 * group-by labels), shaped like Alertmanager's webhook payload so existing receivers read it easily.
 */
export interface WebhookNotification {
  readonly version: "1";
  /** Stable across retries and re-deliveries of the same transitions (also the idempotency-key header). */
  readonly idempotencyKey: string;
  readonly groupKey: string;
  readonly groupLabels: Record<string, string>;
  /** "firing" when any alert in it fires. */
  readonly status: "firing" | "resolved";
  readonly alerts: readonly WebhookAlert[];
}

/** Options of {@link WebhookClient}. */
export interface WebhookClientOptions {
  readonly name: string;
  readonly url: string;
  /** HMAC-SHA256 secret; when set, every request carries the signature header. */
  readonly secret?: string;
  readonly timeoutMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Posts webhook notifications: JSON body, `Idempotency-Key` header (the notification's key, the same on every
 * retry), `X-Twinstate-Signature: sha256=<hex HMAC-SHA256(secret, body)>` and the attempt number.
 */
export class WebhookClient {
  readonly #o: WebhookClientOptions;

  constructor(options: WebhookClientOptions) {
    this.#o = options;
  }

  /** The route's name (metrics label). */
  get name(): string {
    return this.#o.name;
  }

  /** Sends one notification; throws {@link RouteDeliveryError} unless the receiver answers 2xx. */
  async send(notification: WebhookNotification, attempt: number): Promise<void> {
    const body = JSON.stringify(notification);
    const headers: Record<string, string> = {
      ...this.#o.headers,
      "content-type": "application/json",
      [idempotencyKeyHeader]: notification.idempotencyKey,
      "x-twinstate-delivery-attempt": String(attempt),
    };
    if (this.#o.secret !== undefined) headers[signatureHeader] = signBody(body, this.#o.secret);
    let response: Response;
    try {
      response = await fetch(this.#o.url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(this.#o.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new RouteDeliveryError(this.#o.name, `POST failed: ${(error as Error).message}`, { cause: error });
    }
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok)
      throw new RouteDeliveryError(this.#o.name, `HTTP ${response.status}`, { status: response.status });
  }
}
