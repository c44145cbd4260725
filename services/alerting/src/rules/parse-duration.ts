const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a Prometheus-style duration (`500ms`, `30s`, `10m`, `1h30m`, `2d`) into milliseconds; undefined when
 * the text is not one.
 *
 * Why Prometheus's syntax: rule authors already write `for: 5m` in Prometheus alerting rules.
 */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d))+$/.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(match[1]) * unitMs[match[2]!]!;
  return total;
}
