import { memo, useMemo, useState, type ReactNode } from "react";
import type { ComponentRecord } from "../compiler";
import { CATEGORY_LABEL, CATEGORY_ORDER, searchRecords } from "../records";
import { CATEGORY_COLOR } from "./ToolNode";

export const DRAG_MIME = "application/x-toolwright-kind";

/** Every node kind from the records, grouped by category and searchable; drag one onto the canvas or click to add. */
function PaletteView({ onAdd, hasInput }: { readonly onAdd: (kind: string) => void; readonly hasInput: boolean }): ReactNode {
  const [query, setQuery] = useState("");
  const groups = useMemo(() => {
    const found = searchRecords(query);
    const byCategory = new Map<string, ComponentRecord[]>();
    for (const r of found) {
      const list = byCategory.get(r.component.category) ?? [];
      list.push(r);
      byCategory.set(r.component.category, list);
    }
    return CATEGORY_ORDER.flatMap((c) => {
      const list = byCategory.get(c);
      return list === undefined ? [] : [{ category: c, records: list }];
    });
  }, [query]);

  return (
    <aside className="palette" aria-label="Node palette">
      <div className="panel-title">Nodes</div>
      <input className="search small-search" type="search" placeholder="Search nodes" aria-label="Search nodes" value={query} onChange={(e) => { setQuery(e.target.value); }} />
      <div className="palette-list">
        {groups.length === 0 && <p className="muted small pad">Nothing matches “{query}”.</p>}
        {groups.map((g) => (
          <section key={g.category}>
            <h3 className="palette-group">{CATEGORY_LABEL[g.category] ?? g.category}</h3>
            {g.records.map((r) => {
              const disabled = r.component.kind === "input" && hasInput;
              return (
                <button
                  type="button"
                  key={r.component.kind}
                  className="palette-item"
                  data-kind={r.component.kind}
                  draggable={!disabled}
                  disabled={disabled}
                  title={disabled ? "A tool has exactly one input node" : `${r.component.summary}\nDrag onto the canvas, or click to add.`}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(DRAG_MIME, r.component.kind);
                    e.dataTransfer.effectAllowed = "move";
                  }}
                  onClick={() => { onAdd(r.component.kind); }}
                >
                  <span className="palette-dot" style={{ background: CATEGORY_COLOR[r.component.category] }} aria-hidden="true" />
                  <span className="palette-text">
                    <span className="palette-name">{r.component.name}</span>
                    <span className="palette-summary">{r.component.summary}</span>
                  </span>
                </button>
              );
            })}
          </section>
        ))}
      </div>
    </aside>
  );
}

export const Palette = memo(PaletteView);
