/** What the route modules share: built once by createServer (app.ts). */
import type { Catalog } from "./catalog";
import type { Database } from "./db/index";
import type { KeyVerifier } from "./keys/index";
import type { Logger } from "./logging";
import type { Metrics } from "./metrics";
import type { Runner } from "./runner";
import type { SecretSource } from "./secret-source";
import type { SecretStore } from "./secrets/index";

export interface AppDeps {
  readonly db: Database;
  readonly catalog: Catalog;
  readonly runner: Runner;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly keys: KeyVerifier;
  readonly secretStore: SecretStore;
  readonly secrets: SecretSource;
  readonly serverVersion: string;
}
