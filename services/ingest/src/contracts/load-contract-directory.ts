import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import type { UnitRegistry } from "../units/index.ts";
import type { CompiledContract } from "./compiled-contract.ts";
import { ContractError } from "./contract-error.ts";
import { type ContractTextFormat, parseContracts } from "./parse-contract.ts";

const FORMAT_BY_EXTENSION: Readonly<Record<string, ContractTextFormat>> = {
  ".yaml": "yaml",
  ".yml": "yaml",
  ".json": "json",
};

/**
 * Loads every `*.yaml`, `*.yml` and `*.json` contract file under `dir` (recursively, in path order).
 *
 * Why fail on the first bad file: contracts are the gate of the whole pipeline; starting with a contract
 * silently missing would dead-letter a tenant's readings as CONTRACT_MISSING. The error names the file and
 * field. Other files (README, …) are ignored.
 */
export async function loadContractDirectory(dir: string, units: UnitRegistry): Promise<CompiledContract[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })).map(String).sort();
  } catch (error) {
    throw new ContractError(dir, "", `cannot read contract directory: ${(error as Error).message}`, { cause: error });
  }
  const out: CompiledContract[] = [];
  for (const rel of entries) {
    const format = FORMAT_BY_EXTENSION[extname(rel).toLowerCase()];
    if (format === undefined) continue;
    const file = join(dir, rel);
    const text = await readFile(file, "utf8");
    out.push(...parseContracts(text, format, file, units));
  }
  return out;
}
