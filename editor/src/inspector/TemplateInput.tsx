import { useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { filterCandidates, insertReference, openReferenceAt, type RefCandidate } from "../graph/references";

/**
 * A text field for templates and references. Typing `{{` opens the references in scope at
 * this node (only nodes guaranteed to have run), with their types; arrows pick, Enter or
 * Tab inserts.
 */
export function TemplateInput(props: {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly candidates: () => readonly RefCandidate[];
  readonly multiline?: boolean;
  readonly placeholder?: string;
  readonly label?: string;
  readonly fieldPath?: string;
  readonly invalid?: boolean;
}): ReactNode {
  const { value, onChange, candidates, multiline } = props;
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const listId = useId();
  // The menu keeps what was typed; its items are recomputed on every render, so they follow
  // the scope when a validation that finishes after the keystroke changes it.
  const [open, setOpen] = useState<{ query: string; active: number } | undefined>();
  const items = open === undefined ? [] : filterCandidates(candidates(), open.query);
  const menu = open === undefined ? undefined : { items, active: Math.min(open.active, Math.max(items.length - 1, 0)) };
  const setMenu = (next: { items: readonly RefCandidate[]; active: number } | undefined): void => {
    setOpen(next === undefined || open === undefined ? undefined : { query: open.query, active: next.active });
  };
  const pendingCaret = useRef<number | undefined>(undefined);

  useLayoutEffect(() => {
    if (pendingCaret.current !== undefined && ref.current !== null) {
      ref.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = undefined;
    }
  });

  const refresh = (text: string, caret: number): void => {
    const at = openReferenceAt(text, caret);
    setOpen(at === undefined ? undefined : { query: at.query, active: 0 });
  };

  const accept = (candidate: RefCandidate): void => {
    const el = ref.current;
    const caret = el?.selectionStart ?? value.length;
    const next = insertReference(value, caret, candidate.ref);
    pendingCaret.current = next.caret;
    onChange(next.text);
    setMenu(undefined);
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    if (menu === undefined || menu.items.length === 0) return;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setMenu({ ...menu, active: (menu.active + 1) % menu.items.length });
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setMenu({ ...menu, active: (menu.active - 1 + menu.items.length) % menu.items.length });
    } else if (e.key === "Enter" || e.key === "Tab") {
      const item = menu.items[menu.active];
      if (item !== undefined) {
        e.preventDefault();
        accept(item);
      }
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setMenu(undefined);
    }
  };

  const common = {
    ref,
    value,
    placeholder: props.placeholder,
    spellCheck: false,
    autoComplete: "off",
    "aria-label": props.label,
    "aria-autocomplete": "list" as const,
    "aria-expanded": menu !== undefined,
    "aria-controls": listId,
    "aria-invalid": props.invalid === true,
    "data-field-path": props.fieldPath,
    className: `template-input${props.invalid === true ? " invalid" : ""}`,
    onChange: (e: { target: { value: string; selectionStart: number | null } }) => {
      onChange(e.target.value);
      refresh(e.target.value, e.target.selectionStart ?? e.target.value.length);
    },
    onKeyDown,
    onKeyUp: (e: KeyboardEvent) => {
      if (e.key === "ArrowLeft" || e.key === "ArrowRight" || e.key === "Home" || e.key === "End") refresh(value, ref.current?.selectionStart ?? value.length);
    },
    onBlur: () => window.setTimeout(() => { setMenu(undefined); }, 120),
  };

  return (
    <div className="template-wrap">
      {multiline === true ? <textarea rows={3} {...common} /> : <input type="text" {...common} />}
      {menu !== undefined && (
        <ul className="ref-menu" id={listId} role="listbox" aria-label="References in scope">
          {menu.items.length === 0 && <li className="ref-empty">No references in scope here. Only nodes that always run before this one can be referenced; connect one upstream.</li>}
          {menu.items.map((c, i) => (
            <li
              key={c.ref}
              role="option"
              aria-selected={i === menu.active}
              className={i === menu.active ? "active" : ""}
              data-ref={c.ref}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(c);
              }}
              onMouseEnter={() => { setMenu({ ...menu, active: i }); }}
            >
              <code className="ref-path">{c.ref}</code>
              <span className="ref-type">{c.type}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
