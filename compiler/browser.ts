/**
 * The compiler's browser-safe surface, for the editor: records, graph parsing and the
 * validator (structure, guards, inference). Nothing reachable from here may import a
 * Node API; compile.ts, verify/, generate/ and records/load-records.ts stay out.
 */
export { parseRecord, RecordError } from "./records/parse-record";
export { createRegistry, type KindDefinition, type RecordRegistry } from "./records/registry";
export type { ComponentRecord } from "./records/record-schema";
export type { FieldSpec, ScalarExpectation } from "./records/field-spec";
export { parseGraph, parseGraphReusing } from "./parse/parse-graph";
export { parseString, referenceName, type Reference } from "./parse/template";
export { validateGraph } from "./validate/validate";
export { checkStructure, outPortsOf, TOOL_NAME, type Topology } from "./validate/structure";
export { computeGuards, guardsFor, type Guards } from "./validate/guards";
export { createValidationCache, type ValidationCache } from "./validate/validation-cache";
export type { Analysis, NodeTypes } from "./infer/analyze";
export { GRAPH_FORMAT, graphSchema, type Graph, type GraphEdge, type GraphNode, type JsonValue, type OnErrorPolicy, type RetryPolicy, type ToolTest } from "./graph/schema";
export { diagnosticCatalog, sortDiagnostics, type Diagnostic, type DiagnosticCode, type Severity } from "./diagnostics/catalog";
export type { ObjectTypeSchema, TypeSchema, ValueType } from "./types/type-schema";
export { describeSchema, describeType } from "./types/describe";
export { lookupPath } from "./types/path";
export type { ToolResolver, ToolSignature, VerificationResult, VerificationProblem } from "./api";
