#!/usr/bin/env node
/**
 * `twinstate` — the command line of the assimilation service.
 *
 * `twinstate replay --twin <definition.yaml> [--binding <bindings.yaml>] --input <readings.ndjson|csv>
 * --out <estimates.ndjson>` runs twins over a file with exactly the service's code path, with a progress
 * bar on a terminal. `twinstate validate <files…>` checks definition files and prints every error with its
 * file and field.
 */
import { Command } from "commander";
import { loadTwinDefinitionFile } from "../definitions/load-twin-definition.ts";
import { replay } from "./replay.ts";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Builds the command tree (exported for tests). */
export function createProgram(): Command {
  const program = new Command("twinstate").description("twinstate digital-twin tools").exitOverride();
  program
    .command("replay")
    .description("run twins over a file of readings, writing one estimate per reading")
    .requiredOption("--twin <file>", "twin definition (YAML or JSON), repeatable", collect, [])
    .option(
      "--binding <file>",
      "asset bindings (YAML or JSON), repeatable; default: every asset on the first twin",
      collect,
      [],
    )
    .requiredOption("--input <file>", "readings: NDJSON (protobuf JSON) or CSV")
    .requiredOption("--out <file>", "estimates: NDJSON (protobuf JSON)")
    .option("--no-progress", "never draw a progress bar")
    .action(async (opts: { twin: string[]; binding: string[]; input: string; out: string; progress: boolean }) => {
      const tty = opts.progress && process.stderr.isTTY === true;
      let bar: { update(v: number): void; stop(): void; start(total: number, v: number): void } | undefined;
      if (tty) {
        const { default: progress } = await import("cli-progress");
        bar = new progress.SingleBar(
          { stream: process.stderr, format: "replay [{bar}] {percentage}% | {value}/{total} bytes | eta {eta}s" },
          progress.Presets.shades_classic,
        );
      }
      let started = false;
      const summary = await replay({
        twins: opts.twin,
        bindings: opts.binding,
        input: opts.input,
        out: opts.out,
        onProgress: (done, total) => {
          if (bar === undefined) return;
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        },
      });
      bar?.stop();
      process.stderr.write(`${JSON.stringify(summary)}\n`);
    });
  program
    .command("validate")
    .description("validate twin definition files")
    .argument("<files...>")
    .action((files: string[]) => {
      let failed = false;
      for (const file of files) {
        try {
          const c = loadTwinDefinitionFile(file);
          process.stdout.write(`${file}: ok (${c.key})\n`);
        } catch (error) {
          failed = true;
          process.stderr.write(`${(error as Error).message}\n`);
        }
      }
      if (failed) process.exitCode = 1;
    });
  return program;
}

if (import.meta.main) {
  createProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      const e = error as { code?: string; exitCode?: number; message?: string };
      if (typeof e.code === "string" && e.code.startsWith("commander.")) {
        process.exitCode = e.exitCode ?? 1;
        return;
      }
      process.stderr.write(`${e.message ?? String(error)}\n`);
      process.exitCode = 1;
    });
}
