/** Small, deterministic Markdown builders for the generated docs. */

/** A table cell: one line, with the characters that would end the cell escaped. */
export function cell(text: string): string {
  return text.replace(/\r?\n+/g, " ").replace(/\|/g, "\\|").trim();
}

/** Inline code that survives any content (backticks inside get a longer fence). */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A GitHub-flavoured Markdown table; cells are escaped. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}

export function bullets(items: readonly string[]): string {
  return items.map((item) => `- ${item.replace(/\s*\n\s*/g, " ").trim()}`).join("\n");
}

/** Joins blocks with one blank line between them and ends the document with a newline. */
export function document(blocks: readonly (string | undefined)[]): string {
  return `${blocks.filter((b): b is string => b !== undefined && b !== "").join("\n\n")}\n`;
}

/** Compact JSON on one line: `{ "a": 1, "b": [1, 2] }`. */
export function compactJson(value: unknown): string {
  if (Array.isArray(value)) return `[${(value as readonly unknown[]).map(compactJson).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${compactJson(v)}`);
    return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
  }
  return value === undefined ? "null" : JSON.stringify(value);
}
