/**
 * Runs the plain-C reference (../shared/bench-ref beside the repository) and our benchmarks in the same session and prints,
 * per case, our ns/update, C's, and ratio = ours / C.
 *
 *   node bench/estimation/compare.ts [--rounds R] [--reps N] [--quick] [--ref-dir DIR]
 *
 * The reference is copied into .cache/bench-ref/ and built with its own Makefile (cc -O2
 * -march=x86-64-v2). Each round runs `./ref N` and then `run.ts --reps N` back to back; with R rounds the
 * best (lowest) ns per case on each side is kept, and the spread across rounds is reported, because the
 * machine is shared and absolute times drift. `--quick` shortens only our side (the C reference's step
 * counts are fixed), so use it for smoke runs, not for figures.
 *
 * Load: on a shared machine wall time includes time spent waiting for a core. So each round also runs
 * `ref-cpu` — the same ref.c, same flags, with clock_gettime redirected to the process CPU clock
 * (cpu-clock.c) — and our side reports the CPU time of its fastest repetition; `cpu_ratio` compares those.
 * `ratio` (wall) is the figure the target is stated in; `cpu_ratio` is the load-robust cross-check.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "2" },
    reps: { type: "string", default: "5" },
    quick: { type: "boolean", default: false },
    // shared/ lies beside the repository (../shared/bench-ref from the repository root).
    "ref-dir": { type: "string", default: fileURLToPath(new URL("../../../shared/bench-ref", import.meta.url)) },
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
// ref-cpu: the Makefile's compiler flags, clock_gettime renamed to the CPU-clock shim.
const cflags = ["-O2", "-march=x86-64-v2", "-std=c99", "-Wall", "-Wextra"];
cpSync(fileURLToPath(new URL("./cpu-clock.c", import.meta.url)), join(build, "cpu-clock.c"));
execFileSync("cc", [...cflags, "-Dclock_gettime=ref_cpu_clock_gettime", "-c", "ref.c", "-o", "ref-cpu.o"], {
  cwd: build,
});
execFileSync("cc", [...cflags, "-c", "cpu-clock.c", "-o", "cpu-clock.o"], { cwd: build });
execFileSync("cc", ["-o", "ref-cpu", "ref-cpu.o", "cpu-clock.o", "-lm"], { cwd: build });

/** Per case and side: every round's line (ns_per_update compared, the best line kept for the fields). */
const ours = new Map<string, Line[]>();
const theirs = new Map<string, Line[]>();
const theirsCpu = new Map<string, Line[]>();
const other: Line[] = [];
const push = (m: Map<string, Line[]>, l: Line) => m.set(l.case, [...(m.get(l.case) ?? []), l]);

for (let r = 0; r < rounds; r++) {
  for (const l of parseLines(execFileSync(join(build, "ref"), [reps], { encoding: "utf8" }))) push(theirs, l);
  for (const l of parseLines(execFileSync(join(build, "ref-cpu"), [reps], { encoding: "utf8" }))) {
    push(theirsCpu, l);
  }
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
    const cc = theirsCpu.get(name);
    const oc = Math.min(...ls.map((l) => (typeof l.cpu_ns_per_update === "number" ? l.cpu_ns_per_update : Infinity)));
    if (cc !== undefined && Number.isFinite(oc)) {
      const ccb = best(cc).ns_per_update;
      out.ours_cpu_ns = oc;
      out.c_cpu_ns = ccb;
      out.cpu_ratio = sig(oc / ccb);
    }
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
  if (c === undefined) {
    const oc = Math.min(...ls.map((l) => (typeof l.cpu_ns_per_update === "number" ? l.cpu_ns_per_update : Infinity)));
    if (Number.isFinite(oc)) out.ours_cpu_ns = oc;
  }
  out.ours_ns_range = spread(ls);
  out.rounds = ls.length;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
for (const l of other) process.stdout.write(`${JSON.stringify(l)}\n`);
