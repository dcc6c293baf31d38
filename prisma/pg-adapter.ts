/**
 * The PostgreSQL driver adapter for the Prisma CLI (migrate deploy/status/diff against a
 * database), used by prisma.config.ts.
 *
 * Why a wrapper: `@prisma/adapter-pg@6.19` maps result columns to Prisma column types by
 * PostgreSQL type OID and has no mapping for `name` (19) and `"char"` (18). The schema engine's
 * catalogue queries return such columns, so every migrate command fails with "Column type
 * 'name' could not be deserialized" (prisma/orm#27403). Both types are text on the wire, so
 * this pool's clients report them as `text` (25) before the adapter looks. Application queries
 * never select those types; server/db uses the plain adapter.
 *
 * `allowExitOnIdle` lets the CLI exit as soon as it is done instead of waiting 10 s for idle
 * connections to time out.
 */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

const TEXT_OID = 25;
const RETYPED_OIDS: ReadonlySet<number> = new Set([18, 19]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Rewrites `name`/`"char"` field descriptions of a result (or of each result of a multi-statement query) to `text`. */
export function retypeFields(result: unknown): void {
  const results: readonly unknown[] = Array.isArray(result) ? result : [result];
  for (const one of results) {
    if (!isRecord(one) || !Array.isArray(one.fields)) continue;
    for (const field of one.fields as unknown[]) {
      if (isRecord(field) && typeof field.dataTypeID === "number" && RETYPED_OIDS.has(field.dataTypeID)) {
        field.dataTypeID = TEXT_OID;
      }
    }
  }
}

/** A pg Client whose results report `name` and `"char"` columns as `text`. */
export class TextNameClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const original: unknown = Reflect.get(pg.Client.prototype, "query");
    if (typeof original !== "function") throw new Error("pg.Client.prototype.query is missing");
    // An own property shadows the prototype's overloaded `query` without re-declaring every overload.
    Object.defineProperty(this, "query", {
      configurable: true,
      writable: true,
      value: (...args: unknown[]): unknown => {
        const last = args.at(-1);
        if (typeof last === "function") {
          args[args.length - 1] = (error: unknown, result: unknown): void => {
            if (error === null || error === undefined) retypeFields(result);
            Reflect.apply(last, undefined, [error, result]);
          };
          return Reflect.apply(original, this, args) as unknown;
        }
        const returned: unknown = Reflect.apply(original, this, args);
        if (returned instanceof Promise) {
          return returned.then((result: unknown) => {
            retypeFields(result);
            return result;
          });
        }
        return returned;
      },
    });
  }
}

/** The adapter factory the Prisma CLI uses for PostgreSQL. */
export function createCliPgAdapter(connectionString: string): PrismaPg {
  const pool = new pg.Pool({ connectionString, allowExitOnIdle: true, Client: TextNameClient });
  return new PrismaPg(pool, { disposeExternalPool: true });
}
