/**
 * Generates the project's derived docs: docs/graph.schema.json (from graphJsonSchema()),
 * docs/nodes/<kind>.md and docs/nodes/README.md (from the component records), and the
 * generated regions of docs/graph-format.md (node kinds, diagnostics).
 *
 *   npx tsx scripts/docs/generate-docs.ts
 *
 * tests/docs/docs.test.ts fails when a generated file is out of date.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadRecords } from "../../compiler/records/load-records";
import type { RecordRegistry } from "../../compiler/records/registry";
import { expectedDocs, outdatedDocs, REPO_ROOT, staleDocs } from "./docs";

/** Writes every out-of-date generated file under `root`, removes stale node pages, and says what changed. */
export function generateDocs(root: string = REPO_ROOT, registry: RecordRegistry = loadRecords()): string[] {
  const expected = expectedDocs(registry, root);
  const outdated = outdatedDocs(expected, root);
  for (const path of outdated) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, expected.get(path) ?? "");
  }
  const stale = staleDocs(expected, root);
  for (const path of stale) rmSync(join(root, path));
  return [...outdated.map((p) => `updated ${p}`), ...stale.map((p) => `removed ${p}`)];
}

// Run only as a script, so tests can import generateDocs.
const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const changes = generateDocs();
  process.stdout.write(changes.length === 0 ? "docs are up to date\n" : `${changes.join("\n")}\n`);
}
