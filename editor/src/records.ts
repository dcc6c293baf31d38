import { createRegistry, parseRecord, type ComponentRecord, type RecordRegistry } from "./compiler";

/**
 * The node kinds, from the same component-records/*.yaml files the compiler loads: the
 * palette, the inspector forms and the ports all derive from these records.
 */
const sources = import.meta.glob<string>("../../component-records/*.yaml", { query: "?raw", import: "default", eager: true });

function load(): RecordRegistry {
  const records = Object.entries(sources)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, text]) => parseRecord(path.split("/").pop() ?? path, text));
  return createRegistry(records);
}

export const registry: RecordRegistry = load();

export const CATEGORY_ORDER = ["flow", "data", "actions", "ai", "tools"] as const;
export const CATEGORY_LABEL: Readonly<Record<string, string>> = { flow: "Flow", data: "Data", actions: "Actions", ai: "AI", tools: "Tools" };

export function recordOf(kind: string): ComponentRecord | undefined {
  return registry.get(kind)?.record;
}

/** Every kind, by category then name. */
export function allRecords(): ComponentRecord[] {
  return [...registry.kinds.values()]
    .map((k) => k.record)
    .sort((a, b) => CATEGORY_ORDER.indexOf(a.component.category) - CATEGORY_ORDER.indexOf(b.component.category) || a.component.name.localeCompare(b.component.name));
}

/** Search over name, kind, summary and aliases; best matches first. */
export function searchRecords(query: string): ComponentRecord[] {
  const q = query.trim().toLowerCase();
  if (q === "") return allRecords();
  const scored = allRecords().flatMap((r) => {
    const c = r.component;
    const name = c.name.toLowerCase();
    let score = 0;
    if (name.startsWith(q) || c.kind.startsWith(q)) score = 3;
    else if (c.aliases.some((a) => a.toLowerCase().startsWith(q))) score = 2;
    else if (name.includes(q) || c.kind.includes(q) || c.summary.toLowerCase().includes(q) || c.aliases.some((a) => a.toLowerCase().includes(q))) score = 1;
    return score > 0 ? [{ r, score }] : [];
  });
  return scored.sort((a, b) => b.score - a.score).map((s) => s.r);
}
