/**
 * OpenAI definitions (runtime/agents/openai.ts): the strict form of every kind of optional
 * field, null-means-absent on the way back, description length, and strict mode's limits —
 * on which the compiler's INPUT_NOT_STRICT warning (compiler/targets/openai.ts) must agree.
 */
import { describe, expect, it } from "vitest";
import { compileGraph } from "../../compiler/compile";
import { jsonSchemaOf } from "../../compiler/generate/emit";
import { strictProblems } from "../../compiler/targets/openai";
import type { ObjectTypeSchema, TypeSchema } from "../../compiler/types/type-schema";
import { fromStrictArguments, isStrictCompatible, openAiDefinition, strictSchema } from "../../runtime/agents/openai";
import { goldenGraphNames, GRAPHS_DIR, isInvalidGraph, readGraph, toolResolver } from "../golden/support";

const STRING: TypeSchema = { type: "string" };

function input(properties: Record<string, TypeSchema>, required: readonly string[]): ObjectTypeSchema {
  return { type: "object", properties, required };
}

describe("strict definitions", () => {
  const schema = input(
    {
      id: { type: "string", description: "the id" },
      count: { type: "integer" },
      ratio: { type: "number" },
      flag: { type: "boolean" },
      color: { type: "string", enum: ["red", "blue"], description: "a color" },
      tags: { type: "array", items: STRING },
      nested: input({ a: STRING, b: { type: "number" } }, ["a"]),
      nothing: { type: "null" },
    },
    ["id"],
  );

  it("makes every field required and the optional ones nullable; objects closed at every level", () => {
    expect(strictSchema(jsonSchemaOf(schema))).toEqual({
      type: "object",
      properties: {
        id: { type: "string", description: "the id" },
        count: { type: ["integer", "null"] },
        ratio: { type: ["number", "null"] },
        flag: { type: ["boolean", "null"] },
        color: { anyOf: [{ type: "string", enum: ["red", "blue"] }, { type: "null" }], description: "a color" },
        tags: { anyOf: [{ type: "array", items: { type: "string" } }, { type: "null" }] },
        nested: {
          anyOf: [{ type: "object", properties: { a: { type: "string" }, b: { type: ["number", "null"] } }, required: ["a", "b"], additionalProperties: false }, { type: "null" }],
        },
        nothing: { type: "null" },
      },
      required: ["id", "count", "ratio", "flag", "color", "tags", "nested", "nothing"],
      additionalProperties: false,
    });
  });

  it("reads null as absent for optional fields, at every level, and keeps the rest", () => {
    expect(
      fromStrictArguments(
        { id: "x", count: null, ratio: 1.5, flag: null, color: null, tags: null, nested: { a: "y", b: null }, nothing: null, extra: null },
        jsonSchemaOf(schema),
      ),
    ).toEqual({ id: "x", ratio: 1.5, nested: { a: "y" }, nothing: null, extra: null });
    // A required field's null stays for the tool's schema to refuse; arrays are walked item by item.
    const list = jsonSchemaOf(input({ items: { type: "array", items: input({ note: STRING }, []) } }, ["items"]));
    expect(fromStrictArguments({ items: [{ note: null }, { note: "kept" }] }, list)).toEqual({ items: [{}, { note: "kept" }] });
    expect(fromStrictArguments({ id: null }, jsonSchemaOf(schema))).toEqual({ id: null });
    // A `__proto__` key stays an own data property.
    const proto = fromStrictArguments(JSON.parse('{"__proto__":{"polluted":true},"id":"x"}') as unknown, jsonSchemaOf(schema));
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto as object)).toEqual(["__proto__", "id"]);
  });

  it("a definition: type function, name, description cut to 1024 characters, strict", () => {
    const long = "d".repeat(1023) + "😀";
    const definition = openAiDefinition({ name: "t", description: long, inputJsonSchema: jsonSchemaOf(input({ id: STRING }, ["id"])) });
    expect(definition.type).toBe("function");
    expect(definition.function.name).toBe("t");
    expect(definition.function.description).toBe("d".repeat(1023));
    expect(definition.function.strict).toBe(true);
    expect(openAiDefinition({ name: "t", description: "", inputJsonSchema: jsonSchemaOf(input({}, [])) }).function).toEqual({
      name: "t",
      parameters: { type: "object", properties: {}, required: [], additionalProperties: false },
      strict: true,
    });
  });
});

/** An object nested `levels` deep. */
function nestedInput(levels: number): ObjectTypeSchema {
  let schema: ObjectTypeSchema = input({ leaf: STRING }, ["leaf"]);
  for (let i = 1; i < levels; i++) schema = input({ next: schema }, ["next"]);
  return schema;
}

describe("strict mode's limits: the compiler's warning and the served definition agree", () => {
  const cases: readonly [string, ObjectTypeSchema][] = [
    ["10 levels", nestedInput(10)],
    ["11 levels", nestedInput(11)],
    ["5000 properties", input(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`p${String(i)}`, STRING])), [])],
    ["5001 properties", input(Object.fromEntries(Array.from({ length: 5001 }, (_, i) => [`p${String(i)}`, STRING])), [])],
    ["1000 enum values", input({ e: { type: "string", enum: Array.from({ length: 1000 }, (_, i) => `v${String(i)}`) } }, ["e"])],
    ["1001 enum values", input({ e: { type: "string", enum: Array.from({ length: 1001 }, (_, i) => `v${String(i)}`) } }, ["e"])],
    ["a long large enum", input({ e: { type: "string", enum: Array.from({ length: 300 }, (_, i) => `${"v".repeat(60)}${String(i)}`) } }, ["e"])],
    ["an untyped field", input({ anything: { type: "unknown" } }, [])],
  ];

  it.each(cases)("%s", (_name, schema) => {
    const compilerSaysStrict = strictProblems(schema).length === 0;
    expect(isStrictCompatible(jsonSchemaOf(schema))).toBe(compilerSaysStrict);
    const definition = openAiDefinition({ name: "t", description: "", inputJsonSchema: jsonSchemaOf(schema) });
    expect(definition.function.strict).toBe(compilerSaysStrict);
    if (!compilerSaysStrict) expect(definition.function.parameters).toEqual(jsonSchemaOf(schema));
  });

  it("limits fall where OpenAI documents them", () => {
    expect(cases.map(([name, schema]) => [name, strictProblems(schema).length === 0])).toEqual([
      ["10 levels", true],
      ["11 levels", false],
      ["5000 properties", true],
      ["5001 properties", false],
      ["1000 enum values", true],
      ["1001 enum values", false],
      ["a long large enum", false],
      ["an untyped field", false],
    ]);
  });

  it("every golden graph's input is strict", () => {
    const resolveTool = toolResolver();
    for (const name of goldenGraphNames().filter((n) => !isInvalidGraph(n))) {
      const result = compileGraph(readGraph(GRAPHS_DIR, name), { resolveTool, verify: false });
      const signature = result.signature;
      if (signature === undefined) throw new Error(`${name} has no signature`);
      expect(strictProblems(signature.input), name).toEqual([]);
      const definition = openAiDefinition({ name: signature.name, description: signature.description, inputJsonSchema: jsonSchemaOf(signature.input) });
      expect(definition.function.strict, name).toBe(true);
    }
  });
});
