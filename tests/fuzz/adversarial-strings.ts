/**
 * Adversarial strings and one graph that carries them in every string field: literals,
 * template text around references, object keys, switch cases, enum values, the tool
 * description, schema descriptions, saved test cases, and (compile-only, on a branch
 * the runs never take) http headers/query/body/auth and llm model/system/prompt.
 */
import fc from "fast-check";
import ts from "typescript";
import type { ToolResolver, ToolSignature } from "../../compiler/api";
import { FIXED } from "./known-bugs";
import { GRAPH_FORMAT, type FuzzGraph, type JsonValue } from "./support";

/** Pieces that break naive code generation: quotes, escapes, comment and script ends, line separators, NUL, emoji. */
const NASTY = [
  '"',
  "'",
  "\\",
  "\\\\",
  "`",
  "${x}",
  "${",
  "*/",
  "/*",
  "//",
  "</script>",
  "<!--",
  "-->",
  "\u2028",
  "\u2029",
  "\u0000",
  "\n",
  "\r\n",
  "\t",
  "\u000b",
  "😀",
  "👩‍👩‍👧",
  "e\u0301",
  "\u202e",
  "\ufeff",
  "{",
  "}",
  "}}",
  "\\u0041",
  "\\x41",
  "\\n",
  '");process.exit(1);//',
  "`;throw new Error();`",
  "']]>",
  "%s",
  "#!",
  "\ud83d\ude00",
  "\u{10ffff}",
] as const;

/** Keys that mean something to JavaScript objects. */
const SPECIAL_KEYS = ["constructor", "toString", "valueOf", "hasOwnProperty", "prototype", "length", "0", "", "__proto__"] as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string is well formed UTF-16 (no lone surrogate), so JSON keeps it intact. */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);

/** Any well-formed adversarial string (may contain `{{`). */
export const adversarialAny: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(piece, { maxLength: 8 }).map((parts) => parts.join("")) },
  { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_KEYS) },
);

/** An adversarial string for template and value fields: `{{` would start a reference there. */
export const adversarialText: fc.Arbitrary<string> = adversarialAny.filter((s) => !s.includes("{{"));

/** Fields of the graph that take text (parsed as templates or values: no `{{`). */
const TEXT_FIELDS = ["lit", "lit2", "tag", "text1", "text2", "text3", "text4", "text5", "text6", "val1", "val2", "val3", "val4", "val5", "cmp", "cmp2", "urlText", "hdr", "hdr2", "q", "b", "b2", "sys", "prompt"] as const;
/** Fields taken verbatim (keys, cases, enum values, names, descriptions). */
const ANY_FIELDS = [
  "key1",
  "key2",
  "key3",
  "key4",
  "caseA",
  "caseB",
  "enumA",
  "enumB",
  "input",
  "hdrKey",
  "qKey",
  "bKey",
  "authHeader",
  "model",
  "llmKey",
  "description",
  "inputDesc",
  "sDesc",
  "respDesc",
  "aDesc",
  "llmDesc",
  "testName",
] as const;

export type StringField = (typeof TEXT_FIELDS)[number] | (typeof ANY_FIELDS)[number];
export type Strings = Readonly<Record<StringField, string>>;

/** Fields used as object keys in the graph. */
const KEY_FIELDS: readonly StringField[] = ["key1", "key2", "key3", "key4", "hdrKey", "qKey", "bKey", "llmKey"];

/** Output fields the graph fixes; an adversarial top-level key must differ from them. */
const OUTPUT_FIELDS = ["branch", "tag", "out", "tpl", "e", "fromT", "fromTTpl", "fromTObj", "fromCall", "keyed", "llm"] as const;
const INDEX_KEY = /^(0|[1-9][0-9]*)$/;

/** The constraints the graph format puts on these fields (distinct cases, non-empty model, …). */
export function fitsGraph(s: Strings): boolean {
  return (
    s.key1 !== "list" &&
    !(OUTPUT_FIELDS as readonly string[]).includes(s.key4) &&
    s.caseA !== s.caseB &&
    s.caseA !== "" &&
    s.caseB !== "" &&
    s.caseA !== "default" &&
    s.caseB !== "default" &&
    s.enumA !== s.enumB &&
    s.model !== "" &&
    s.testName !== "" &&
    s.testName.length <= 200 &&
    s.bKey !== "t" &&
    s.hdrKey !== "x-a" &&
    // `__proto__` keys have their own test (kept or refused, never dropped).
    KEY_FIELDS.every((f) => s[f] !== "__proto__") &&
    Object.values(s).every(isWellFormed)
  );
}

export const adversarialStrings: fc.Arbitrary<Strings> = fc
  .record({
    ...(Object.fromEntries(TEXT_FIELDS.map((f) => [f, adversarialText])) as Record<(typeof TEXT_FIELDS)[number], fc.Arbitrary<string>>),
    ...(Object.fromEntries(ANY_FIELDS.map((f) => [f, adversarialAny])) as Record<(typeof ANY_FIELDS)[number], fc.Arbitrary<string>>),
  })
  .filter(fitsGraph);

/**
 * The same fields with plain text: the structural baseline. Integer-like keys stay
 * integer-like (JavaScript orders those first in an object, which reorders the emitted
 * object literal without changing its structure).
 */
export function plainStrings(s: Strings): Strings {
  const fields = [...TEXT_FIELDS, ...ANY_FIELDS];
  return Object.fromEntries(fields.map((f, i) => [f, INDEX_KEY.test(s[f]) && KEY_FIELDS.includes(f) ? String(1000 + i) : `plain_${f}`])) as Strings;
}

/** The echo tool the graph calls: returns its `text` input. */
export const ECHO: ToolSignature = {
  name: "echo",
  version: 1,
  description: "Echoes its text.",
  input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  output: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
};
export const echoResolver: ToolResolver = (name) => (name === "echo" ? ECHO : undefined);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function keyed(key: string, value: JsonValue): Record<string, JsonValue> {
  // A computed key creates an own property, also for "__proto__".
  return { [key]: value };
}

/** What the run returns for input `s` (the graph's semantics, written out in JavaScript). */
export function expectedOutput(s: Strings, input: string): Record<string, JsonValue> {
  const branch = input === s.cmp || input === s.cmp2 ? "oc" : input === s.caseA ? "oa" : input === s.caseB ? "ob" : "od";
  return {
    branch,
    tag: s.tag,
    out: s.lit2,
    tpl: `${s.text5} ${input} ${s.text6}`,
    e: s.enumA,
    fromT: s.lit,
    fromTTpl: `${s.text1} ${input} ${s.text2}`,
    fromTObj: { ...keyed(s.key1, s.val1), list: [s.val2, 1, keyed(s.key2, s.val3)] },
    fromCall: `${s.text3} ${input} ${s.text4}`,
    keyed: keyed(s.key3, s.val4),
    ...keyed(s.key4, s.val5),
  };
}

function outputValues(s: Strings, branch: string): Record<string, JsonValue> {
  return {
    branch,
    tag: s.tag,
    out: s.lit2,
    tpl: `${s.text5} {{input.s}} ${s.text6}`,
    e: "{{input.e}}",
    fromT: "{{t.lit}}",
    fromTTpl: "{{t.tpl}}",
    fromTObj: "{{t.obj}}",
    fromCall: "{{call.text}}",
    keyed: keyed(s.key3, s.val4),
    ...keyed(s.key4, s.val5),
  };
}

/**
 * input → gate (online?) —true→ http → llm → output `net` (compile-only: runs pass online=false)
 *                        —false→ transform t → call_tool echo → conditional c (s equals cmp OR s matches ^cmp2$)
 *                            c —true→ output `oc`;  c —false→ switch on s: caseA → `oa`, caseB → `ob`, default → `od`.
 */
export function adversarialGraph(s: Strings, testInput: string): FuzzGraph {
  return {
    format: GRAPH_FORMAT,
    tool: { name: "adversarial", description: s.description },
    nodes: [
      {
        id: "input",
        kind: "input",
        config: {
          schema: {
            type: "object",
            description: s.inputDesc,
            properties: { s: { type: "string", description: s.sDesc }, e: { type: "string", enum: [s.enumA, s.enumB] }, online: { type: "boolean" } },
            required: ["s", "e", "online"],
          },
        },
      },
      { id: "gate", kind: "conditional", config: { combineWith: "AND", conditions: [{ left: "{{input.online}}", operator: "equals", right: true }] } },
      {
        id: "h",
        kind: "http",
        config: {
          method: "POST",
          url: `https://api.example.com/${s.urlText} {{input.s}}`,
          headers: { "x-a": `${s.hdr} {{input.s}}`, ...keyed(s.hdrKey, s.hdr2) },
          query: keyed(s.qKey, s.q),
          body: { ...keyed(s.bKey, s.b), t: `${s.b2} {{input.s}}` },
          auth: { type: "header", secret: "FUZZ_TOKEN", header: s.authHeader },
          response: { type: "json", schema: { type: "object", description: s.respDesc, properties: { a: { type: "string", description: s.aDesc } }, required: ["a"] } },
        },
      },
      {
        id: "l",
        kind: "llm",
        config: {
          model: s.model,
          system: `${s.sys} {{input.s}}`,
          prompt: `${s.prompt} {{h.body.a}}`,
          output: { type: "json", schema: { type: "object", properties: keyed(s.llmKey, { type: "string", description: s.llmDesc }), required: [s.llmKey] } },
        },
      },
      {
        id: "net",
        kind: "output",
        config: {
          values: {
            branch: "net",
            tag: s.tag,
            out: s.lit2,
            tpl: `${s.text5} {{input.s}} ${s.text6}`,
            e: "{{input.e}}",
            llm: "{{l.data}}",
            // Until optional output fields may carry inherited names (known bug), every output sets key4.
            ...(FIXED.inheritedNameOutputFields ? {} : keyed(s.key4, s.val5)),
          },
        },
      },
      {
        id: "t",
        kind: "transform",
        config: { values: { lit: s.lit, tpl: `${s.text1} {{input.s}} ${s.text2}`, obj: { ...keyed(s.key1, s.val1), list: [s.val2, 1, keyed(s.key2, s.val3)] } } },
      },
      { id: "call", kind: "call_tool", config: { tool: "echo", input: { text: `${s.text3} {{input.s}} ${s.text4}` } } },
      {
        id: "c",
        kind: "conditional",
        config: {
          combineWith: "OR",
          conditions: [
            { left: "{{input.s}}", operator: "equals", right: s.cmp },
            { left: "{{input.s}}", operator: "matches", right: `^${escapeRegExp(s.cmp2)}$` },
          ],
        },
      },
      { id: "oc", kind: "output", config: { values: outputValues(s, "oc") } },
      { id: "sw", kind: "switch", config: { value: "{{input.s}}", cases: [s.caseA, s.caseB] } },
      { id: "oa", kind: "output", config: { values: outputValues(s, "oa") } },
      { id: "ob", kind: "output", config: { values: outputValues(s, "ob") } },
      { id: "od", kind: "output", config: { values: outputValues(s, "od") } },
    ],
    edges: [
      { id: "e1", source: "input", target: "gate" },
      { id: "e2", source: "gate", sourcePort: "true", target: "h" },
      { id: "e3", source: "h", target: "l" },
      { id: "e4", source: "l", target: "net" },
      { id: "e5", source: "gate", sourcePort: "false", target: "t" },
      { id: "e6", source: "t", target: "call" },
      { id: "e7", source: "call", target: "c" },
      { id: "e8", source: "c", sourcePort: "true", target: "oc" },
      { id: "e9", source: "c", sourcePort: "false", target: "sw" },
      { id: "e10", source: "sw", sourcePort: s.caseA, target: "oa" },
      { id: "e11", source: "sw", sourcePort: s.caseB, target: "ob" },
      { id: "e12", source: "sw", sourcePort: "default", target: "od" },
    ],
    tests: [{ name: s.testName, input: { s: testInput, e: s.enumA, online: false }, expectOutput: expectedOutput(s, testInput) }],
  };
}

/**
 * The syntactic structure of a TypeScript file as a canonical tree: every node's kind
 * and children, with the content of string literals left out, `["__proto__"]` computed
 * names counted as the string-literal names they stand for, and the properties of an
 * object literal (or type literal) in sorted order, since graph content may legitimately
 * reorder them (JavaScript orders integer-like keys first; output fields follow the
 * first output that names them). Anything else that differs is a change of structure.
 */
export function structureOf(source: string): string {
  const file = ts.createSourceFile("file.ts", source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const unordered = new Set([ts.SyntaxKind.ObjectLiteralExpression, ts.SyntaxKind.TypeLiteral]);
  const visit = (node: ts.Node): string => {
    if (ts.isComputedPropertyName(node) && ts.isStringLiteral(node.expression)) return ts.SyntaxKind[ts.SyntaxKind.StringLiteral];
    const children: string[] = [];
    ts.forEachChild(node, (child) => {
      children.push(visit(child));
    });
    if (unordered.has(node.kind)) children.sort();
    const kind = ts.SyntaxKind[node.kind];
    return children.length === 0 ? kind : `${kind}(${children.join(",")})`;
  };
  return visit(file);
}

/** Top-level statement kinds and the kinds of the statements of `run`. */
export function outlineOf(source: string): { topLevel: string[]; run: string[] } {
  const file = ts.createSourceFile("file.ts", source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const run = file.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === "run");
  return {
    topLevel: file.statements.map((s) => ts.SyntaxKind[s.kind]),
    run: (run?.body?.statements ?? []).map((s) => ts.SyntaxKind[s.kind]),
  };
}

/** A string of about `size` UTF-16 units built from the adversarial pieces (well formed). */
export function hugeString(size: number, salt: string): string {
  const parts: string[] = [salt];
  let length = salt.length;
  for (let i = 0; length < size; i++) {
    const next = NASTY[i % NASTY.length] ?? "";
    parts.push(next, String(i));
    length += next.length + String(i).length;
  }
  return parts.join("").replaceAll("{{", "{ {");
}

/** Graphs that use `__proto__` as an object key in one place each (JSON text, so the key is an own property). */
export const PROTO_KEY_GRAPHS: readonly { readonly name: string; readonly json: string; readonly input: string; readonly expected: string }[] = [
  {
    name: "output field",
    json: '{"values": {"__proto__": "p", "a": 1}}',
    input: "{}",
    expected: '{"__proto__":"p","a":1}',
  },
  {
    name: "nested literal object",
    json: '{"values": {"x": {"__proto__": {"k": "v"}, "b": 2}}}',
    input: "{}",
    expected: '{"x":{"__proto__":{"k":"v"},"b":2}}',
  },
  {
    name: "object in an array",
    json: '{"values": {"x": [{"__proto__": 1}]}}',
    input: "{}",
    expected: '{"x":[{"__proto__":1}]}',
  },
  {
    name: "input property read through the whole input",
    json: '{"values": {"all": "{{input}}"}}',
    input: '{"__proto__": "in"}',
    expected: '{"all":{"__proto__":"in"}}',
  },
];

/** input (with a `__proto__` property when the case reads it) → output with the case's config. */
export function protoKeyGraph(outputConfigJson: string, withInputProperty: boolean): unknown {
  const schema = withInputProperty
    ? '{"type": "object", "properties": {"__proto__": {"type": "string"}}, "required": ["__proto__"]}'
    : '{"type": "object", "properties": {}}';
  return JSON.parse(
    `{"format": "${GRAPH_FORMAT}", "tool": {"name": "proto_keys", "description": ""}, "nodes": [` +
      `{"id": "input", "kind": "input", "config": {"schema": ${schema}}},` +
      `{"id": "out", "kind": "output", "config": ${outputConfigJson}}],` +
      '"edges": [{"id": "e1", "source": "input", "target": "out"}]}',
  );
}
