import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { searchRecords } from "../records";
import { CATEGORY_COLOR } from "./ToolNode";

/** Double-click on the canvas: search a node kind and add it there. */
export function QuickAdd({ at, onPick, onClose, hasInput }: { readonly at: { readonly x: number; readonly y: number }; readonly onPick: (kind: string) => void; readonly onClose: () => void; readonly hasInput: boolean }): ReactNode {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const found = useMemo(() => searchRecords(query).filter((r) => !(r.component.kind === "input" && hasInput)), [query, hasInput]);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => { setActive(0); }, [query]);

  return (
    <div className="quick-add" style={{ left: at.x, top: at.y }} role="dialog" aria-label="Add a node" onMouseDown={(e) => { e.stopPropagation(); }}>
      <input
        ref={input}
        className="search"
        placeholder="Add a node…"
        aria-label="Search node kinds"
        value={query}
        onChange={(e) => { setQuery(e.target.value); }}
        onBlur={() => window.setTimeout(onClose, 150)}
        onKeyDown={(e) => {
          if (e.key === "Escape") onClose();
          else if (e.key === "ArrowDown") {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, found.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === "Enter") {
            const r = found[active];
            if (r !== undefined) onPick(r.component.kind);
          }
        }}
      />
      <ul className="quick-add-list" role="listbox">
        {found.map((r, i) => (
          <li key={r.component.kind} role="option" aria-selected={i === active} className={i === active ? "active" : ""} onMouseDown={(e) => { e.preventDefault(); onPick(r.component.kind); }} onMouseEnter={() => { setActive(i); }}>
            <span className="palette-dot" style={{ background: CATEGORY_COLOR[r.component.category] }} aria-hidden="true" />
            <span className="palette-text">
              <span className="palette-name">{r.component.name}</span>
              <span className="palette-summary">{r.component.summary}</span>
            </span>
          </li>
        ))}
        {found.length === 0 && <li className="muted small pad">No node kind matches.</li>}
      </ul>
    </div>
  );
}
