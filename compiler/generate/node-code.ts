import Handlebars from "handlebars";
import type { IrNode } from "../lower/lower";
import type { RecordRegistry } from "../records/registry";
import { conditionCode } from "./condition-code";

/** Handlebars instance for node templates: output is code, so nothing is HTML-escaped. */
const hbs = Handlebars.create();
hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);
hbs.registerHelper("condition", conditionCode);

const templateCache = new Map<string, HandlebarsTemplateDelegate>();

function render(source: string, context: object): string {
  let template = templateCache.get(source);
  if (template === undefined) {
    template = hbs.compile(source, { noEscape: true, strict: false });
    templateCache.set(source, template);
  }
  return template(context).trim();
}

function indent(code: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return code
    .trim()
    .split("\n")
    .map((line) => (line.trim() === "" ? "" : pad + line.trimEnd()))
    .join("\n");
}

/** A multi-line expression continued at `spaces` of indentation after its first line. */
function continued(code: string, spaces: number): string {
  return indent(code, spaces).trimStart();
}

/** Lines of the run function's body, indented into its try block. */
function inTry(lines: readonly string[]): string {
  // Line by line: joining the node's code to split it again copied all of it twice.
  return lines.map((line) => (line.includes("\n") ? line.split("\n").map(intoTry).join("\n") : intoTry(line))).join("\n");
}

function intoTry(line: string): string {
  return line === "" ? line : `  ${line}`;
}

interface NodeTemplate {
  readonly body?: string;
  readonly expression?: string;
  readonly recorded?: string;
  readonly port?: string;
}

function templateOf(node: IrNode, registry: RecordRegistry): NodeTemplate {
  const template = registry.get(node.kind)?.record.template;
  if (template === undefined) throw new Error(`no template for kind ${node.kind}`);
  return template;
}

/**
 * A node run inline: its value (or `undefined` when it is skipped), its port, and its span
 * behind one check of `trace`. `at` names the node for errors it throws.
 */
export function inlineNodeCode(node: IrNode, registry: RecordRegistry, first: boolean): string {
  const template = templateOf(node, registry);
  if (template.expression === undefined) throw new Error(`kind ${node.kind} has no expression to run inline`);
  const { varName, specName, activationCode } = node;
  const value = continued(render(template.expression, node), 2);
  const withValue = { ...node, value: varName };
  const over = (source: string | undefined): string | undefined => (source === undefined ? undefined : render(source, withValue));
  const recorded = over(template.recorded) ?? "undefined";
  const port = over(template.port);
  const lines = [`  // node ${node.id} (${node.kind})`];
  if (!first) lines.push(`  at = ${specName};`);
  if (activationCode === undefined) {
    lines.push(`  const ${varName} = ${value};`);
    if (port !== undefined && node.portVar !== undefined) lines.push(`  const ${node.portVar} = ${port};`);
    lines.push(`  if (trace !== undefined) trace.ran(${specName}, ${recorded}, ${varName});`);
  } else {
    lines.push(`  const ${varName} = ${activationCode} ? ${value} : undefined;`);
    if (port !== undefined && node.portVar !== undefined) lines.push(`  const ${node.portVar} = ${varName} === undefined ? undefined : ${port};`);
    lines.push(`  if (trace !== undefined) {`, `    if (${varName} === undefined) trace.skipped(${specName});`, `    else trace.ran(${specName}, ${recorded}, ${varName});`, `  }`);
  }
  return inTry(lines);
}

/** A step's body from an expression: it returns the value, recording `recorded` as the span's input. */
function expressionBody(expression: string, recorded: string | undefined): string {
  if (recorded === undefined) return `return ${expression};`;
  if (recorded === "value") return `return scope.record(${expression});`;
  return [`const value = ${expression};`, `scope.record(${recorded});`, "return value;"].join("\n");
}

/**
 * A node run as a step: a body of statements (from an expression, its value and what it
 * records) under the runtime's scheduling, retry, timeout and onError.
 */
export function stepNodeCode(node: IrNode, registry: RecordRegistry): string {
  const template = templateOf(node, registry);
  const withValue = { ...node, value: "value" };
  const over = (source: string): string => render(source, withValue);
  const body = template.body !== undefined ? render(template.body, node) : expressionBody(render(template.expression ?? "undefined", node), template.recorded === undefined ? undefined : over(template.recorded));
  const options: string[] = [];
  if (template.port !== undefined) options.push(`port: (value) => ${over(template.port)}`);
  if (node.fallbackCode !== undefined) options.push(`fallback: () => (${node.fallbackCode})`);
  const lines = [
    `  // node ${node.id} (${node.kind})`,
    // A typed parameter (or none) keeps the callback out of TypeScript's deferred, context-sensitive inference.
    `  const ${node.varName} = step(ctx, ${node.specName}, ${node.incomingCode}, async (${/\bscope\b/.test(body) ? "scope: NodeScope" : ""}) => {`,
    ...node.prelude.map((line) => `    ${line}`),
    indent(body, 4),
    `  }${options.length > 0 ? `, { ${options.join(", ")} }` : ""});`,
  ];
  return inTry(lines);
}
