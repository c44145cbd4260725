import { collectDefaultMetrics, Registry } from "prom-client";

/** The one prefix of every twinstate metric (Prometheus naming: one prefix, base units, `_total` counters). */
export const metricsPrefix = "twinstate_";

/**
 * Returns `name` with the `twinstate_` prefix (unchanged if it already has it).
 *
 * Why: services name metrics by what they measure (`readings_valid_total`) and this keeps the prefix in one place.
 */
export function metricName(name: string): string {
  return name.startsWith(metricsPrefix) ? name : `${metricsPrefix}${name}`;
}

/** Options of {@link createMetricsRegistry}. */
export interface CreateMetricsRegistryOptions {
  /** Service name, added as the `service` label of every series. */
  readonly service: string;
  /** Collect prom-client's process and Node.js runtime metrics (default true). */
  readonly defaultMetrics?: boolean;
}

/**
 * Creates the service's own prom-client `Registry` (never the global one) with the `service` default label and,
 * unless disabled, the default process/runtime metrics under the `twinstate_` prefix
 * (`twinstate_process_cpu_seconds_total`, `twinstate_nodejs_eventloop_lag_seconds`, …).
 *
 * Why a private registry: tests and multiple components in one process never collide on metric names.
 */
export function createMetricsRegistry(options: CreateMetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: metricsPrefix });
  return registry;
}
