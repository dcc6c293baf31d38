/**
 * The Express application: `createServer({ db })` wires persistence, the compiler, the runtime
 * and the HTTP routes, and returns the app with `listen` and `close`.
 *
 *   /health                      public          database and compiler readiness
 *   /metrics                     admin key       Prometheus text (TOOLWRIGHT_METRICS_PUBLIC=1: public)
 *   /openapi.json                any key         OpenAPI 3.1, one operation per published tool
 *   /api/…                       admin key       tools, drafts, compile, publish, versions, runs, keys, secrets
 *   /tools, /tools/:ref/invoke   invoke or admin the published tools
 *   /tools/openai                invoke or admin the published tools as OpenAI function definitions
 *   /mcp                         invoke or admin MCP over streamable HTTP (server/mcp/)
 *   /                            public          the built editor
 *
 * Order matters: request id and logging first; authentication before body parsing, so an
 * unauthenticated client cannot make the server parse megabytes of JSON. Plain invocations
 * are answered before Express by the fast path (invoke-fast-path.ts), with the same parts.
 */
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express, type RequestHandler } from "express";
import { authenticateRequest, checksMiddleware, perKeyRateLimit } from "./auth";
import { createCatalog } from "./catalog";
import { resolveSettings, type ServerSettings, type SettingsOptions } from "./config";
import type { Database } from "./db/index";
import type { AppDeps } from "./deps";
import { errorHandler, notFoundHandler } from "./errors";
import { createKeyVerifier } from "./keys/index";
import { invokeFastPath } from "./invoke-fast-path";
import { createLogger, type Logger } from "./logging";
import { createMetrics } from "./metrics";
import { createRequestObserver } from "./request-observer";
import { assignRequestId } from "./request-state";
import { createRunRecorder } from "./run-recorder";
import { createRunner } from "./runner";
import { createSecretSource } from "./secret-source";
import { createSecretStore, type SecretStore } from "./secrets/index";
import { SERVER_VERSION } from "./version";
import { editorRouter } from "./routes/editor";
import { graphRouter } from "./routes/graph";
import { invokeRouter, invokeTool } from "./routes/invoke";
import { keysRouter } from "./routes/keys";
import { mcpRouter, openAiToolsRouter } from "./mcp/routes";
import { runsRouter } from "./routes/runs";
import { secretsRouter } from "./routes/secrets";
import { systemRouter } from "./routes/system";
import { toolsRouter } from "./routes/tools";
import { versionsRouter } from "./routes/versions";

export interface ServerOptions extends SettingsOptions {
  /** The database (openDatabase); the caller keeps ownership and closes it after `close()`. */
  readonly db: Database;
  /** Default: pino on stdout at LOG_LEVEL (info). */
  readonly logger?: Logger;
  /** Default: the database's encrypted secret store. */
  readonly secretStore?: SecretStore;
  /** Environment for settings and secret fallback (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How long a verified key is trusted without a database read (default 5000 ms). */
  readonly keyCacheTtlMs?: number;
}

export interface Listening {
  readonly server: Server;
  readonly port: number;
  /** http://127.0.0.1:<port> (or the bound host). */
  readonly url: string;
}

export interface ToolwrightServer {
  readonly app: Express;
  readonly settings: ServerSettings;
  readonly logger: Logger;
  /** Starts listening (port 0 picks a free one; no host: every interface). */
  listen(port: number, host?: string): Promise<Listening>;
  /**
   * Stops accepting connections, lets requests in flight finish (up to `graceMs`, default
   * 10 s, then cuts them), and writes every pending run. Does not close the database.
   */
  close(graceMs?: number): Promise<void>;
}

export function createServer(options: ServerOptions): ToolwrightServer {
  const env = options.env ?? process.env;
  const settings = resolveSettings(options, env);
  const logger = options.logger ?? createLogger();
  const { db } = options;
  const metrics = createMetrics();
  const catalog = createCatalog(db);
  const secretStore = options.secretStore ?? createSecretStore(db, { env });
  const secrets = createSecretSource({ store: secretStore, env, fromEnv: settings.secretsFromEnv });
  const recorder = createRunRecorder(db, (error, run) => {
    logger.error({ runId: run.id, requestId: run.requestId, err: { message: error instanceof Error ? error.message : String(error) } }, "run record write failed");
  });
  const runner = createRunner({
    db,
    catalog,
    secrets,
    recorder,
    metrics,
    logger,
    openai: settings.openai,
    allowHosts: settings.allowHosts,
    runTimeoutMs: settings.runTimeoutMs,
  });
  const keys = createKeyVerifier(db, options.keyCacheTtlMs === undefined ? {} : { cacheTtlMs: options.keyCacheTtlMs });
  const deps: AppDeps = { db, catalog, runner, metrics, logger, keys, secretStore, secrets, serverVersion: SERVER_VERSION };

  const json = express.json({ limit: settings.bodyLimitBytes, strict: true, type: ["application/json", "application/*+json"] });
  // One limiter for every route, the fast path included: a key's requests count once.
  const rateLimit = perKeyRateLimit(settings.rateLimitPerMinute);
  const adminKey = authenticateRequest(keys, "admin");
  const invokeKey = authenticateRequest(keys, "invoke");
  const invokerChecks = [invokeKey, rateLimit];
  const asAdmin: RequestHandler[] = [checksMiddleware(adminKey, rateLimit), json];
  const asInvoker: RequestHandler[] = [checksMiddleware(...invokerChecks), json];
  const metricsGuard: RequestHandler = settings.metricsPublic
    ? (_req, _res, next) => {
        next();
      }
    : checksMiddleware(adminKey);
  const observer = createRequestObserver(logger, metrics);
  const invoke = invokeTool(deps);
  const fastPath = invokeFastPath({ observer, checks: invokerChecks, invoke, bodyLimitBytes: settings.bodyLimitBytes, logger });

  const app = express();
  app.disable("x-powered-by");
  // Express would hash every JSON body for a weak ETag; API answers are not cached by clients
  // (invocations are POSTs), and the one cacheable download sets its own (the content hash).
  // The built editor's files keep theirs (express.static sets its own validators).
  app.disable("etag");
  app.set("query parser", "simple");
  app.use(assignRequestId, observer.middleware);

  // Invocations first: those the fast path leaves to Express then pass no other router. (No paths overlap.)
  app.use("/tools", ...asInvoker, openAiToolsRouter(deps), invokeRouter(deps, invoke));
  app.use(systemRouter(deps, { metrics: metricsGuard, openapi: checksMiddleware(invokeKey) }));
  app.use("/api", ...asAdmin, graphRouter(deps), toolsRouter(deps), versionsRouter(deps), runsRouter(deps), keysRouter(deps), secretsRouter(deps));
  app.use("/mcp", ...asInvoker, mcpRouter(deps));
  app.use(editorRouter(settings.editorDir));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  let server: Server | undefined;
  let closing: Promise<void> | undefined;

  return {
    app,
    settings,
    logger,
    listen(port, host) {
      return new Promise<Listening>((resolve, reject) => {
        const onListening = (error?: Error): void => {
          if (error !== undefined) {
            reject(error);
            return;
          }
          const address = listening.address() as AddressInfo;
          const shown = host === undefined || host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
          resolve({ server: listening, port: address.port, url: `http://${shown.includes(":") ? `[${shown}]` : shown}:${String(address.port)}` });
        };
        const listening = createHttpServer((req, res) => {
          if (!fastPath(req, res)) app(req, res);
        });
        listening.once("error", onListening);
        // No host: every interface (IPv6 and IPv4 where available), as Node does by default.
        listening.listen({ port, ...(host === undefined ? {} : { host }) }, () => {
          onListening();
        });
        // Longer than a typical load balancer's idle timeout, so it closes first (no 502s).
        listening.keepAliveTimeout = 65_000;
        server = listening;
      });
    },
    close(graceMs = 10_000) {
      closing ??= (async () => {
        if (server !== undefined) {
          const current = server;
          const closed = new Promise<void>((resolve) => {
            current.close(() => {
              resolve();
            });
          });
          current.closeIdleConnections();
          const timer = setTimeout(() => {
            current.closeAllConnections();
          }, graceMs);
          await closed;
          clearTimeout(timer);
        }
        await runner.idle();
        await recorder.flush();
      })();
      return closing;
    },
  };
}
