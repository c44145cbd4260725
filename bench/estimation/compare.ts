/**
 * Runs the plain-C reference (/work/shared/bench-ref) and our benchmarks in the same session and prints,
 * per case, our ns/update, C's, and ratio = ours / C.
 *
 *   node bench/estimation/compare.ts [--rounds R] [--reps N] [--quick] [--ref-dir DIR]
 *
 * The reference is copied into .cache/bench-ref/ and built with its own Makefile (cc -O2
 * -march=x86-64-v2). Each round runs `./ref N` and then `run.ts --reps N` back to back; with R rounds the
 * best (lowest) ns per case on each side is kept, and the spread across rounds is reported, because the
 * machine is shared and absolute times drift. `--quick` shortens only our side (the C reference's step
 * counts are fixed), so use it for smoke runs, not for figures.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "2" },
    reps: { type: "string", default: "3" },
    quick: { type: "boolean", default: false },
    "ref-dir": { type: "string", default: "/work/shared/bench-ref" },
  },
});

const root = fileURLToPath(new URL("../../", import.meta.url));
const build = join(root, ".cache", "bench-ref");
const rounds = Math.max(1, Number.parseInt(values.rounds, 10) || 1);
const reps = String(Math.max(1, Number.parseInt(values.reps, 10) || 1));

type Line = Record<string, unknown> & { case: string; ns_per_update: number };

function parseLines(text: string): Line[] {
  return text
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l) as Line);
}

mkdirSync(build, { recursive: true });
for (const f of ["ref.c", "Makefile", "README.md"]) cpSync(join(values["ref-dir"], f), join(build, f));
execFileSync("make", ["-s", "-C", build, "ref"], { stdio: ["ignore", "ignore", "inherit"] });

/** Per case and side: every round's line (ns_per_update compared, the best line kept for the fields). */
const ours = new Map<string, Line[]>();
const theirs = new Map<string, Line[]>();
const other: Line[] = [];
const push = (m: Map<string, Line[]>, l: Line) => m.set(l.case, [...(m.get(l.case) ?? []), l]);

for (let r = 0; r < rounds; r++) {
  for (const l of parseLines(execFileSync(join(build, "ref"), [reps], { encoding: "utf8" }))) push(theirs, l);
  const args = [join(root, "bench/estimation/run.ts"), "--reps", reps, ...(values.quick ? ["--quick"] : [])];
  if (r > 0) args.push("--no-memory");
  for (const l of parseLines(execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 24 }))) {
    if (typeof l.ns_per_update === "number") push(ours, l);
    else other.push(l);
  }
}

const best = (ls: Line[]): Line => ls.reduce((a, b) => (b.ns_per_update < a.ns_per_update ? b : a));
const spread = (ls: Line[]): [number, number] => [
  Math.min(...ls.map((l) => l.ns_per_update)),
  Math.max(...ls.map((l) => l.ns_per_update)),
];
const sig = (v: number) => Number(v.toPrecision(4));

for (const [name, ls] of ours) {
  const o = best(ls);
  const c = theirs.get(name);
  const out: Record<string, unknown> = { case: name, ours_ns: o.ns_per_update };
  if (c === undefined) {
    out.c_ns = null;
    out.ratio = null;
  } else {
    const cb = best(c);
    out.c_ns = cb.ns_per_update;
    out.ratio = sig(o.ns_per_update / cb.ns_per_update);
    out.within_2x = o.ns_per_update <= 2 * cb.ns_per_update;
    out.c_ns_range = spread(c);
    out.ours_checksum = o.checksum;
    out.c_checksum = cb.checksum;
    if (typeof o.checksum === "number" && typeof cb.checksum === "number") {
      out.checksum_rel_diff = Number.parseFloat(
        (Math.abs(o.checksum - cb.checksum) / Math.abs(cb.checksum)).toPrecision(3),
      );
    }
    out.ours_pos_rmse = o.pos_rmse;
    out.c_pos_rmse = cb.pos_rmse;
  }
  out.ours_ns_range = spread(ls);
  out.rounds = ls.length;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
for (const l of other) process.stdout.write(`${JSON.stringify(l)}\n`);
