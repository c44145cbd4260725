/**
 * Writes deploy/grafana/dashboards/<uid>.json from scripts/promtool/dashboards.ts. With `--check`, writes
 * nothing and exits 1 when a committed dashboard differs from what the definitions generate (test/deploy
 * runs the same comparison).
 *
 * Usage: node scripts/promtool/generate-dashboards.ts [--check]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dashboards } from "./dashboards.ts";
import { renderDashboard } from "./grafana-model.ts";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "deploy", "grafana", "dashboards");
const check = process.argv.includes("--check");
let stale = 0;
for (const d of dashboards) {
  const path = join(dir, `${d.uid}.json`);
  const text = `${JSON.stringify(renderDashboard(d), null, 2)}\n`;
  if (check) {
    let current = "";
    try {
      current = readFileSync(path, "utf8");
    } catch {}
    if (current !== text) {
      console.error(`${path} is out of date: run node scripts/promtool/generate-dashboards.ts`);
      stale++;
    }
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
if (stale > 0) process.exit(1);
