import { createHash } from "node:crypto";
import type { CompileOptions, CompileResult, GeneratedFiles, ToolSignature } from "./api";
import { diagnostic, hasErrors, type Diagnostic } from "./diagnostics/catalog";
import { generate } from "./generate/generate";
import { lower } from "./lower/lower";
import { parseGraph } from "./parse/parse-graph";
import { loadRecords } from "./records/load-records";
import type { RecordRegistry } from "./records/registry";
import { validateGraph } from "./validate/validate";
import { COMPILER_VERSION } from "./version";
import { createVerifier, type Verifier } from "./verify";

/** sha256 over the files in path order: the version's identity. */
export function contentHash(files: GeneratedFiles): string {
  const hash = createHash("sha256");
  // Piece by piece: the same bytes as one string per file, without copying every file into it.
  for (const path of Object.keys(files).sort()) hash.update(`${path}\u0000`).update(files[path] ?? "").update("\u0000");
  return hash.digest("hex");
}

let sharedVerifier: Verifier | undefined;
/** The process's warm verifier (cached compiler host and program). */
export function verifier(): Verifier {
  sharedVerifier ??= createVerifier();
  return sharedVerifier;
}

/** Verified results by content hash: the same code never needs verifying twice. */
const verifiedCache = new Map<string, NonNullable<CompileResult["verification"]>>();
const VERIFIED_CACHE_LIMIT = 2_000;

/**
 * parse → validate → infer → lower → generate → verify. Pure phases over immutable data;
 * every problem is reported at once. A graph that validates but fails verification is a
 * compiler bug, reported as INTERNAL_VERIFICATION_FAILED, and no files are handed out.
 */
export function compileGraph(input: unknown, options: CompileOptions = {}, registry: RecordRegistry = loadRecords()): CompileResult {
  const timings: Record<string, number> = {};
  const time = <T>(phase: string, work: () => T): T => {
    const start = performance.now();
    const result = work();
    timings[phase] = Math.round((performance.now() - start) * 1000) / 1000;
    return result;
  };
  const fail = (diagnostics: readonly Diagnostic[]): CompileResult => ({ success: false, diagnostics, timings, compilerVersion: COMPILER_VERSION });

  const parsed = time("parse", () => parseGraph(input));
  if (parsed.graph === undefined) return fail(parsed.diagnostics);
  const graph = parsed.graph;
  const validated = time("validate", () => validateGraph(graph, registry, options.resolveTool));
  if (validated.analysis === undefined || hasErrors(validated.diagnostics)) return fail(validated.diagnostics);
  const analysis = validated.analysis;
  const ir = time("lower", () => lower(analysis, registry));
  const files = time("generate", () => generate(ir, graph.tests ?? [], registry, COMPILER_VERSION));
  const hash = time("hash", () => contentHash(files));
  const signature: ToolSignature = { name: graph.tool.name, version: 0, description: graph.tool.description, input: analysis.toolInput, output: analysis.toolOutput };
  const base = { diagnostics: validated.diagnostics, timings, compilerVersion: COMPILER_VERSION, signature };
  if (options.verify === false) return { ...base, success: true, files, hash };

  let verification = verifiedCache.get(hash);
  if (verification === undefined) {
    verification = time("verify", () => verifier().verify(files));
    if (verifiedCache.size >= VERIFIED_CACHE_LIMIT) verifiedCache.delete(verifiedCache.keys().next().value ?? "");
    verifiedCache.set(hash, verification);
  } else {
    timings.verify = 0;
  }
  if (!verification.tscPassed || !verification.eslintPassed || verification.anyTypesFound > 0) {
    const details = verification.problems.slice(0, 20).map((p) => `${p.tool} ${p.file}:${String(p.line)}:${String(p.column)} ${p.message}`).join("\n");
    return {
      ...base,
      success: false,
      verification,
      diagnostics: [...validated.diagnostics, diagnostic("INTERNAL_VERIFICATION_FAILED", `the generated code failed verification:\n${details}`)],
    };
  }
  return { ...base, success: true, files, hash, verification };
}
