import { TwinstateError } from "@twinstate/runtime";

/**
 * A notification route's receiver refused or could not be reached (HTTP status not 2xx, connection refused,
 * timeout). Always retriable: the route's queue retries it with backoff.
 */
export class RouteDeliveryError extends TwinstateError {
  declare readonly code: "UNAVAILABLE";

  constructor(route: string, message: string, options: { cause?: unknown; status?: number } = {}) {
    super("UNAVAILABLE", `route ${route}: ${message}`, {
      cause: options.cause,
      details: { route, ...(options.status === undefined ? {} : { status: options.status }) },
      retriable: true,
    });
  }
}
