/**
 * Prints a Prometheus rule file with one recording rule per dashboard panel query (variables resolved), so
 * `promtool check rules` parses every panel's PromQL offline — no server needed. scripts/promtool/check.sh
 * runs it; the live "returns data" check against a running Prometheus is separate.
 *
 * Usage: node scripts/promtool/panel-queries-as-rules.ts > /tmp/panels.rules.yml
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { panelQueries } from "./panel-queries.ts";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "deploy", "grafana", "dashboards");
const lines = ["groups:", "  - name: twinstate-dashboard-panels", "    rules:"];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()) {
  for (const q of panelQueries(join(dir, file))) {
    const record = `panel:${q.dashboard.replace(/-/g, "_")}:${q.panelId}_${q.refId}`;
    lines.push(`      - record: ${record}`, `        expr: ${JSON.stringify(q.resolved)}`);
  }
}
console.log(lines.join("\n"));
