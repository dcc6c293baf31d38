/** A reference `{{node.path}}`: the node (or `item`/`index` inside for_each) and the path below it. */
export interface Reference {
  readonly node: string;
  readonly path: readonly string[];
  readonly raw: string;
}

export type TemplatePart = { readonly text: string } | { readonly ref: Reference };

export type ParsedString =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "reference"; readonly ref: Reference }
  | { readonly kind: "template"; readonly parts: readonly TemplatePart[] }
  | { readonly kind: "invalid"; readonly message: string };

const REFERENCE_BODY = /^\s*([A-Za-z][A-Za-z0-9_-]*)((?:\.[A-Za-z0-9_$-]+)*)\s*$/;

/**
 * Splits a graph string into text and references. A string that is exactly one
 * reference keeps the referenced value's type; anything else around references is
 * string interpolation.
 */
export function parseString(source: string): ParsedString {
  if (!source.includes("{{")) {
    return { kind: "literal", text: source };
  }
  const parts: TemplatePart[] = [];
  let cursor = 0;
  while (cursor < source.length) {
    const open = source.indexOf("{{", cursor);
    if (open === -1) {
      parts.push({ text: source.slice(cursor) });
      break;
    }
    if (open > cursor) parts.push({ text: source.slice(cursor, open) });
    const close = source.indexOf("}}", open + 2);
    if (close === -1) return { kind: "invalid", message: `"{{" at position ${String(open)} has no closing "}}"` };
    const body = source.slice(open + 2, close);
    const match = REFERENCE_BODY.exec(body);
    if (match === null) return { kind: "invalid", message: `"{{${body}}}" is not a reference; write {{node.path}}` };
    const node = match[1] ?? "";
    const dotted = match[2] ?? "";
    const path = dotted === "" ? [] : dotted.slice(1).split(".");
    parts.push({ ref: { node, path, raw: `{{${body}}}` } });
    cursor = close + 2;
  }
  const only = parts[0];
  if (parts.length === 1 && only !== undefined && "ref" in only) return { kind: "reference", ref: only.ref };
  return { kind: "template", parts };
}

export function referenceName(ref: Reference): string {
  return [ref.node, ...ref.path].join(".");
}
