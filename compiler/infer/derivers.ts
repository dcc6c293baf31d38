import type { ToolResolver, ToolSignature } from "../api";
import type { DiagnosticCode } from "../diagnostics/catalog";
import type { GraphNode, JsonValue } from "../graph/schema";
import type { OutputDeriver } from "../records/record-schema";
import { isAssignable, joinSchemas } from "../types/assignable";
import { describeType } from "../types/describe";
import { isRequired, objectSchema, schemaType, type ObjectTypeSchema, type TypeSchema, type ValueType } from "../types/type-schema";
import { isObject, pathKey } from "./config-walk";
import { checkConditions } from "./conditions";
import type { TypedValue } from "./value-types";

export interface DeriveContext {
  readonly node: GraphNode;
  readonly config: Readonly<Record<string, JsonValue>>;
  readonly values: ReadonlyMap<string, TypedValue>;
  readonly resolveTool: ToolResolver | undefined;
  report: (code: DiagnosticCode, message: string, path?: readonly (string | number)[], hint?: string) => void;
}

export interface Derived {
  readonly output?: ValueType;
  readonly schemas: Readonly<Record<string, TypeSchema>>;
  readonly callee?: ToolSignature;
}

/**
 * How each record's `output_type.derive` turns a node's config into the type its
 * references see (and the schemas its generated code parses with).
 */
export const derivers: Readonly<Record<OutputDeriver, (ctx: DeriveContext) => Derived>> = {
  input_schema: ({ config }): Derived => {
    const schema = config.schema as unknown as ObjectTypeSchema | undefined;
    return schema === undefined ? { schemas: {} } : { output: schemaType(schema), schemas: {} };
  },
  none: (): Derived => ({ schemas: {} }),
  empty: (): Derived => ({ output: schemaType(objectSchema({})), schemas: {} }),
  http_response: ({ config }): Derived => {
    const response = config.response;
    const type = isObject(response) ? response.type : undefined;
    const declared = isObject(response) && response.schema !== undefined ? (response.schema as unknown as TypeSchema) : undefined;
    const body: TypeSchema = type === "text" ? { type: "string" } : (declared ?? { type: "unknown" });
    return {
      output: schemaType(objectSchema({ status: { type: "integer" }, headers: { type: "unknown" }, body })),
      schemas: declared === undefined ? {} : { body: declared },
    };
  },
  llm_result: ({ config, report }): Derived => {
    const output = config.output;
    const usage = objectSchema({ promptTokens: { type: "integer" }, completionTokens: { type: "integer" }, totalTokens: { type: "integer" } });
    if (isObject(output) && output.type === "json") {
      const data = output.schema as unknown as TypeSchema;
      if (data.type !== "object") report("INVALID_CONFIG", "JSON output of an llm node needs an object schema (the model answers a JSON object)", ["output", "schema"]);
      return { output: schemaType(objectSchema({ data, usage })), schemas: { data } };
    }
    return { output: schemaType(objectSchema({ text: { type: "string" }, usage })), schemas: {} };
  },
  condition_result: (ctx): Derived => {
    checkConditions(ctx);
    return { output: schemaType(objectSchema({ result: { type: "boolean" } })), schemas: {} };
  },
  switch_value: ({ config, values, report }): Derived => {
    const value = values.get("value");
    const cases = Array.isArray(config.cases) ? (config.cases as readonly JsonValue[]) : [];
    const seen = new Set<string>();
    cases.forEach((c, i) => {
      const key = typeof c === "number" ? String(c) : typeof c === "string" ? c : JSON.stringify(c);
      if (key === "default") report("INVALID_CONFIG", "a case cannot be named `default`: that port is taken when no case matches", ["cases", i]);
      if (seen.has(key)) report("INVALID_CONFIG", `case ${JSON.stringify(c)} appears twice`, ["cases", i]);
      seen.add(key);
      if (value?.sound !== true) return;
      const base = value.type.schema.type;
      const fits = typeof c === "number" ? base === "number" || base === "integer" : base === "string";
      if (!fits) report("TYPE_MISMATCH", `switch value is ${describeType(value.type)}, but case ${JSON.stringify(c)} is a ${typeof c}`, ["cases", i]);
    });
    if (value?.sound === true && (value.type.optional || !["string", "number", "integer"].includes(value.type.schema.type))) {
      report("TYPE_MISMATCH", `switch value must be a string or number that is always present, not ${describeType(value.type)}`, ["value"]);
    }
    return { output: schemaType(objectSchema({ value: value?.type.schema ?? { type: "unknown" } })), schemas: {} };
  },
  values_object: ({ config, values }): Derived => {
    const fields = isObject(config.values) ? Object.keys(config.values) : [];
    return { output: schemaType(objectFromValues(fields, (f) => values.get(pathKey(["values", f])))), schemas: {} };
  },
  merge_fields: ({ config, values, report }): Derived => {
    const fields = isObject(config.values) ? config.values : {};
    const properties: Record<string, TypeSchema> = {};
    const required: string[] = [];
    for (const [field, candidates] of Object.entries(fields)) {
      const list = Array.isArray(candidates) ? (candidates as readonly JsonValue[]) : [];
      let joined: TypeSchema | undefined;
      let sound = true;
      let optional = false;
      for (const i of list.keys()) {
        const t = values.get(pathKey(["values", field, i]));
        if (t?.sound !== true) {
          sound = false;
          continue;
        }
        optional ||= t.type.optional;
        const next = joined === undefined ? t.type.schema : joinSchemas(joined, t.type.schema);
        if (next === undefined && joined !== undefined) {
          report("TYPE_MISMATCH", `merge field \`${field}\` mixes ${describeType(schemaType(joined))} with ${describeType(t.type)}`, ["values", field, i]);
          sound = false;
        }
        joined = next ?? joined;
      }
      properties[field] = sound ? (joined ?? { type: "unknown" }) : { type: "unknown" };
      // A candidate that may be missing makes the merged field optional.
      if (!optional) required.push(field);
    }
    return { output: schemaType(objectSchema(properties, required)), schemas: {} };
  },
  called_tool_output: (ctx): Derived => {
    const callee = resolveCallee(ctx);
    if (callee === undefined) return { schemas: {} };
    checkCallInput(ctx, callee, ["input"]);
    return { output: schemaType(callee.output), callee, schemas: { output: callee.output } };
  },
  for_each_results: (ctx): Derived => {
    const callee = resolveCallee(ctx);
    if (callee === undefined) return { schemas: {} };
    checkCallInput(ctx, callee, ["input"]);
    return { output: schemaType(objectSchema({ results: { type: "array", items: callee.output } })), callee, schemas: { output: callee.output } };
  },
};

function objectFromValues(fields: readonly string[], typeOf: (field: string) => TypedValue | undefined): ObjectTypeSchema {
  const properties: Record<string, TypeSchema> = {};
  const required: string[] = [];
  for (const field of fields) {
    const t = typeOf(field);
    properties[field] = t?.sound === true ? t.type.schema : { type: "unknown" };
    if (t?.type.optional !== true) required.push(field);
  }
  return { type: "object", properties, required };
}

function resolveCallee({ config, resolveTool, report }: DeriveContext): ToolSignature | undefined {
  const name = typeof config.tool === "string" ? config.tool : undefined;
  if (name === undefined) return undefined;
  const version = typeof config.version === "number" ? config.version : undefined;
  const callee = resolveTool?.(name, version);
  if (callee === undefined) {
    report("UNKNOWN_TOOL", `tool \`${name}\`${version === undefined ? "" : ` version ${String(version)}`} is not published${resolveTool === undefined ? " (no tool resolver was given to the compiler)" : ""}`, ["tool"]);
  }
  return callee;
}

/** The call's input fields against the called tool's input schema: unknown, missing and mistyped fields. */
function checkCallInput({ config, values, report, node }: DeriveContext, callee: ToolSignature, at: readonly string[]): void {
  const input = isObject(config.input) ? config.input : {};
  for (const field of Object.keys(input)) {
    const expected = Object.hasOwn(callee.input.properties, field) ? callee.input.properties[field] : undefined;
    if (expected === undefined) {
      report("TYPE_MISMATCH", `\`${callee.name}\` has no input field \`${field}\``, [...at, field], `Its input fields are: ${Object.keys(callee.input.properties).join(", ")}.`);
      continue;
    }
    const t = values.get(pathKey([...at, field]));
    if (t?.sound !== true) continue;
    const target = schemaType(expected, !isRequired(callee.input, field));
    if (!isAssignable(t.type, target)) {
      report("TYPE_MISMATCH", `\`${node.id}\` passes ${describeType(t.type)} as \`${callee.name}\` input \`${field}\`, which needs ${describeType(target)}`, [...at, field]);
    }
  }
  for (const field of callee.input.required ?? []) {
    if (!(field in input)) report("TYPE_MISMATCH", `\`${node.id}\` does not pass required input \`${field}\` of \`${callee.name}\``, [...at]);
  }
}
