/**
 * Estimation benchmarks: one JSON line per case with the plain-C reference's case names and fields
 * (../shared/bench-ref/README.md), then the memory line.
 *
 *   node bench/estimation/run.ts [--quick] [--reps N] [--scale S] [--case NAME]... [--no-memory]
 *
 * --quick scales the reference step counts by 1/20; --scale sets the factor; --reps defaults to 3 (the best
 * repetition is reported, like ref.c). Every case runs the library's public API only.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CASES, type CaseName } from "./cases.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    reps: { type: "string", default: "3" },
    scale: { type: "string" },
    case: { type: "string", multiple: true },
    "no-memory": { type: "boolean", default: false },
  },
});

const scale = values.scale !== undefined ? Number(values.scale) : values.quick ? 0.05 : 1;
const reps = Math.max(1, Number.parseInt(values.reps, 10) || 1);
if (!(scale > 0)) throw new Error(`--scale must be positive, got ${values.scale}`);
const names = (values.case ?? Object.keys(CASES)) as CaseName[];
for (const name of names) {
  const run = CASES[name];
  if (run === undefined) throw new Error(`unknown case "${name}" (known: ${Object.keys(CASES).join(", ")})`);
  process.stdout.write(`${JSON.stringify(run({ scale, reps }))}\n`);
}

if (!values["no-memory"]) {
  const memory = fileURLToPath(new URL("./memory.ts", import.meta.url));
  const child = spawnSync(process.execPath, ["--expose-gc", memory], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`memory measurement failed: ${child.stderr}`);
  process.stdout.write(child.stdout);
}
