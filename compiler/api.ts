import type { Diagnostic } from "./diagnostics/catalog";
import type { ObjectTypeSchema, TypeSchema } from "./types/type-schema";

/** The signature of a published tool, as `call_tool` and `for_each` need it. */
export interface ToolSignature {
  readonly name: string;
  readonly version: number;
  readonly description: string;
  readonly input: ObjectTypeSchema;
  readonly output: TypeSchema;
}

/** Resolves a called tool by name and optional version (latest when absent). */
export type ToolResolver = (name: string, version: number | undefined) => ToolSignature | undefined;

export interface VerificationResult {
  readonly tscPassed: boolean;
  readonly eslintPassed: boolean;
  readonly anyTypesFound: number;
  readonly problems: readonly VerificationProblem[];
}

export interface VerificationProblem {
  readonly tool: "tsc" | "eslint" | "scan";
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly rule?: string;
}

/** A generated package: relative POSIX path → file content. */
export type GeneratedFiles = Readonly<Record<string, string>>;

export interface CompileResult {
  readonly success: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Present when generation ran. */
  readonly files?: GeneratedFiles;
  readonly verification?: VerificationResult;
  /** sha256 over the generated files (the version's identity). */
  readonly hash?: string;
  readonly signature?: ToolSignature;
  readonly timings: Readonly<Record<string, number>>;
  readonly compilerVersion: string;
}

export interface CompileOptions {
  readonly resolveTool?: ToolResolver;
  /** Skip verification (validate+generate only): for benchmarks and the editor preview. Never for publishing. */
  readonly verify?: boolean;
}
