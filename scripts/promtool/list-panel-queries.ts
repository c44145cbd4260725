/**
 * Prints every panel query of the Grafana dashboards in deploy/grafana/dashboards, one JSON object per
 * line: {dashboard, panelId, panelTitle, refId, expr, resolved, instant}. `resolved` has Grafana's variables
 * replaced (label variables → `.+`, $__rate_interval → 1m, $__range → 1h) and can be sent as is to
 * Prometheus's /api/v1/query — the input of the live "every panel returns data" check.
 *
 * Usage: node scripts/promtool/list-panel-queries.ts [--tsv] [dashboard.json ...]
 *   --tsv   one line per query: dashboard<TAB>panel title<TAB>refId<TAB>resolved expression
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { panelQueries } from "./panel-queries.ts";

const args = process.argv.slice(2);
const tsv = args.includes("--tsv");
let files = args.filter((a) => !a.startsWith("--"));
if (files.length === 0) {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "deploy", "grafana", "dashboards");
  files = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(dir, f));
}
for (const file of files) {
  for (const q of panelQueries(file)) {
    if (tsv) console.log([q.dashboard, q.panelTitle, q.refId, q.resolved.replace(/\s+/g, " ")].join("\t"));
    else console.log(JSON.stringify(q));
  }
}
