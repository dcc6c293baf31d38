import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { parseRecord } from "./parse-record";
import { createRegistry, type RecordRegistry } from "./registry";

export const RECORDS_DIR = fileURLToPath(new URL("../../component-records/", import.meta.url));

/** Loads every record from disk (Node only; the editor bundles the same YAML files). */
export function loadRecordsFrom(dir: string): RecordRegistry {
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();
  return createRegistry(files.map((file) => parseRecord(file, readFileSync(join(dir, file), "utf8"))));
}

let cached: RecordRegistry | undefined;

export function loadRecords(): RecordRegistry {
  cached ??= loadRecordsFrom(RECORDS_DIR);
  return cached;
}
