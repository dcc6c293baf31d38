/**
 * A second "server process" for concurrency tests. It loads, prints `ready`, waits for a line on
 * stdin (so the test can start both sides at the same moment), does its work, prints one line of
 * JSON and exits.
 *
 *   node --import tsx tests/support/db-worker.ts open '<options json>'
 *     opens the database (applying migrations) → the MigrationReport
 *   node --import tsx tests/support/db-worker.ts publish '<options json>' <toolId> <count>
 *     opens the database and publishes <count> versions of <toolId> at once → their numbers
 */
import { openDatabase, type OpenDatabaseOptions } from "../../server/db/index";

const [mode, optionsJson, toolId, countText] = process.argv.slice(2);
if (optionsJson === undefined || !(mode === "open" || (mode === "publish" && toolId !== undefined && countText !== undefined))) {
  process.stderr.write("usage: db-worker.ts open <options json> | publish <options json> <toolId> <count>\n");
  process.exit(2);
}
const options = JSON.parse(optionsJson) as OpenDatabaseOptions;

async function go(): Promise<void> {
  process.stdout.write("ready\n");
  await new Promise<void>((resolve) => {
    process.stdin.once("data", () => {
      resolve();
    });
  });
  process.stdin.pause();
}

if (mode === "open") {
  await go();
  const db = await openDatabase(options);
  process.stdout.write(`${JSON.stringify(db.migrations)}\n`);
  await db.close();
} else {
  const db = await openDatabase(options);
  await go();
  const created = await Promise.all(
    Array.from({ length: Number(countText) }, (_, i) =>
      db.versions.create(toolId ?? "", {
        graph: {},
        files: {},
        contentHash: `worker-${String(i)}`,
        compilerVersion: "test",
        verification: {},
        signature: { input: {}, output: {} },
      }),
    ),
  );
  process.stdout.write(`${JSON.stringify(created.map((v) => v.number))}\n`);
  await db.close();
}
