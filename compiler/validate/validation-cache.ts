import type { Diagnostic } from "../diagnostics/catalog";
import type { GraphEdge, GraphNode } from "../graph/schema";
import type { NodeInference } from "../infer/infer-node";
import type { ValueType } from "../types/type-schema";
import type { Guards } from "./guards";
import type { Topology } from "./structure";

/**
 * What validation remembers between successive versions of one graph (the editor's, after
 * each edit). The editor's graph is immutable, so an unchanged node or edge keeps its
 * object identity: work is remembered per object in WeakMaps, and reused only when
 * everything it read is unchanged, so the result always equals a validation from scratch.
 * Objects given to a validation with a cache must never be mutated afterwards.
 */
export interface ValidationCache {
  /** Parsed nodes and edges by the objects they were parsed from (only those that parsed). */
  readonly parsedNodes: WeakMap<object, GraphNode>;
  readonly parsedEdges: WeakMap<object, GraphEdge>;
  /** Config diagnostics of a parsed node (none when its config is valid), with the validator that made them. */
  readonly configDiagnostics: WeakMap<GraphNode, { readonly validator: unknown; readonly diagnostics: readonly Diagnostic[] }>;
  /** The last guards, and the topology they were computed for. */
  guards?: { readonly topology: Topology; readonly guards: Guards };
  /** Each node's last inference, with what it read. */
  readonly inferences: WeakMap<GraphNode, NodeInference>;
  /**
   * The last output type inferred per node id. A type equal to it is replaced by this same
   * object, so the nodes that read it see it unchanged and keep their own inference.
   */
  readonly outputs: Map<string, ValueType>;
}

export function createValidationCache(): ValidationCache {
  return { parsedNodes: new WeakMap(), parsedEdges: new WeakMap(), configDiagnostics: new WeakMap(), inferences: new WeakMap(), outputs: new Map() };
}
