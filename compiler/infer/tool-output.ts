import { diagnostic, type Diagnostic } from "../diagnostics/catalog";
import { joinSchemas } from "../types/assignable";
import { describeSchema } from "../types/describe";
import type { ObjectTypeSchema, TypeSchema } from "../types/type-schema";
import type { Topology } from "../validate/structure";
import { pathKey } from "./config-walk";
import type { NodeTypes } from "./analyze";

/**
 * The tool's output type, from the output nodes' `values`: a field present in only some
 * outputs is optional; one field with incompatible types across outputs is an error.
 */
export function inferToolOutput(topology: Topology, nodes: ReadonlyMap<string, NodeTypes>, diagnostics: Diagnostic[]): ObjectTypeSchema | undefined {
  const outputs = topology.order.filter((n) => n.kind === "output");
  const fields = new Map<string, { schema: TypeSchema; from: string; count: number; alwaysPresent: boolean }>();
  let sound = true;
  for (const output of outputs) {
    const values = output.config.values;
    if (typeof values !== "object" || values === null || Array.isArray(values)) continue;
    for (const field of Object.keys(values)) {
      if (field in Object.prototype) {
        // Every JavaScript object inherits these names, so they cannot be typed as optional output fields.
        diagnostics.push(diagnostic("INVALID_CONFIG", `output field \`${field}\` is a name every JavaScript object has; rename it`, { nodeId: output.id, path: ["config", "values", field] }));
        sound = false;
        continue;
      }
      const typed = nodes.get(output.id)?.values.get(pathKey(["values", field]));
      if (typed === undefined || !typed.sound) {
        sound = false;
        continue;
      }
      const existing = fields.get(field);
      if (existing === undefined) {
        fields.set(field, { schema: typed.type.schema, from: output.id, count: 1, alwaysPresent: !typed.type.optional });
        continue;
      }
      const joined = joinSchemas(existing.schema, typed.type.schema);
      if (joined === undefined) {
        diagnostics.push(
          diagnostic("OUTPUT_SHAPE_MISMATCH", `output field \`${field}\` is ${describeSchema(existing.schema)} in \`${existing.from}\` but ${describeSchema(typed.type.schema)} in \`${output.id}\``, {
            nodeId: output.id,
            path: ["config", "values", field],
          }),
        );
        sound = false;
        continue;
      }
      fields.set(field, { ...existing, schema: joined, count: existing.count + 1, alwaysPresent: existing.alwaysPresent && !typed.type.optional });
    }
  }
  if (!sound) return undefined;
  const properties: Record<string, TypeSchema> = {};
  const required: string[] = [];
  for (const [field, info] of fields) {
    properties[field] = info.schema;
    if (info.count === outputs.length && info.alwaysPresent) required.push(field);
  }
  return { type: "object", properties, required };
}
