/**
 * Structured logs (pino, JSON lines on stdout). One line per request (request-observer.ts)
 * with its request id (also stored on the run), method, route, status, duration and the
 * caller's key *id*.
 *
 * What is never logged: request or response bodies (tool inputs may be personal data), headers
 * (the Authorization header carries a key), secret values, keys. Redaction paths below are a
 * second line of defence for fields that should not be there in the first place.
 */
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

export interface LoggerOptions {
  /** Default: LOG_LEVEL, else "info". */
  readonly level?: string;
  /** Default: stdout. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? "info";
  const config = {
    level,
    base: { service: "toolwright" },
    redact: { paths: ["authorization", "*.authorization", "headers.authorization", "*.headers.authorization", "key", "*.key", "secret", "*.secret", "value", "*.value"], censor: "[REDACTED]" },
  };
  return options.destination === undefined ? pino(config) : pino(config, options.destination);
}
