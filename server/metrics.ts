/**
 * Prometheus metrics (prom-client), one registry per server instance so several servers in one
 * process (tests) never collide. Label values are bounded: tool names (created by admins),
 * error codes (a fixed set), route patterns (not raw paths).
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

export interface Metrics {
  readonly registry: Registry;
  invocation(tool: string, status: "succeeded" | "failed", durationMs: number, errorCode?: string): void;
  compile(operation: "validate" | "compile" | "publish" | "test-run", success: boolean, durationMs: number): void;
  runRecordFailed(): void;
  /** Counts a finished HTTP request by method, route pattern (or "unmatched") and status. */
  httpRequest(method: string, route: string, status: number, durationMs: number): void;
}

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createMetrics(options: { readonly defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "toolwright_" });

  const invocations = new Counter({
    name: "toolwright_invocations_total",
    help: "Tool invocations by tool and outcome.",
    labelNames: ["tool", "status"] as const,
    registers: [registry],
  });
  const invocationDuration = new Histogram({
    name: "toolwright_invocation_duration_seconds",
    help: "Duration of tool invocations (the run, without HTTP overhead).",
    labelNames: ["tool", "status"] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const invocationErrors = new Counter({
    name: "toolwright_invocation_errors_total",
    help: "Failed tool invocations by tool and error code.",
    labelNames: ["tool", "code"] as const,
    registers: [registry],
  });
  const compiles = new Histogram({
    name: "toolwright_compile_duration_seconds",
    help: "Duration of compiles by operation and outcome.",
    labelNames: ["operation", "success"] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const runRecordFailures = new Counter({
    name: "toolwright_run_record_failures_total",
    help: "Runs that could not be written to the database.",
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: "toolwright_http_requests_total",
    help: "HTTP requests by method, route and status.",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "toolwright_http_request_duration_seconds",
    help: "HTTP request duration by method and route.",
    labelNames: ["method", "route"] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });

  return {
    registry,
    invocation(tool, status, durationMs, errorCode) {
      invocations.inc({ tool, status });
      invocationDuration.observe({ tool, status }, durationMs / 1000);
      if (errorCode !== undefined) invocationErrors.inc({ tool, code: errorCode });
    },
    compile(operation, success, durationMs) {
      compiles.observe({ operation, success: String(success) }, durationMs / 1000);
    },
    runRecordFailed() {
      runRecordFailures.inc();
    },
    httpRequest(method, route, status, durationMs) {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, durationMs / 1000);
    },
  };
}
