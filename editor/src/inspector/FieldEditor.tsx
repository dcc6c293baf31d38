import { createContext, useContext, useState, type ReactNode } from "react";
import type { FieldSpec, JsonValue } from "../compiler";
import { emptyOf, isJsonObject, withKey, type JsonObject } from "../graph/model";
import type { CandidateOptions, RefCandidate } from "../graph/references";
import { ObjectSchemaEditor, TypeSchemaEditor } from "./SchemaEditor";
import { TemplateInput } from "./TemplateInput";

/**
 * The inspector form, generated from a record's `config_schema.fields` (the field-spec
 * language of compiler/records/field-spec.ts): one editor per spec type, nesting for
 * lists, maps, objects and variants.
 */
export interface FormContext {
  /** References in scope at the node being edited. */
  readonly candidates: (options: CandidateOptions) => readonly RefCandidate[];
  /** Published tool names, for tool_name fields. */
  readonly toolNames: readonly string[];
  /** The server's secret names, for an http node's `auth.secret`. */
  readonly secretNames: readonly string[];
  /** Config paths (dot-joined, from `config`) that have diagnostics. */
  readonly problemPaths: ReadonlySet<string>;
}

export const FormContextValue = createContext<FormContext>({ candidates: () => [], toolNames: [], secretNames: [], problemPaths: new Set() });

export interface FieldProps {
  readonly name: string;
  readonly spec: FieldSpec;
  readonly value: JsonValue | undefined;
  readonly onChange: (value: JsonValue | undefined) => void;
  /** Path from the node's config, e.g. ["conditions", 0, "left"]. */
  readonly path: readonly (string | number)[];
  /** The item scope in effect (for_each input): candidate options with `{{item}}`. */
  readonly itemScope?: CandidateOptions["item"];
  readonly siblings?: JsonObject;
  readonly resolveItem?: (sibling: string) => CandidateOptions["item"];
  readonly bare?: boolean;
}

function pathKey(path: readonly (string | number)[]): string {
  return ["config", ...path].join(".");
}

/** An `auth.secret` field names a secret in the server's store. */
function namesSecret(path: readonly (string | number)[]): boolean {
  return path.length >= 2 && path[path.length - 2] === "auth" && path[path.length - 1] === "secret";
}

export function FieldEditor(props: FieldProps): ReactNode {
  const { spec, name } = props;
  const ctx = useContext(FormContextValue);
  const key = pathKey(props.path);
  const invalid = ctx.problemPaths.has(key);
  const label = spec.label ?? name;
  const itemScope = spec.item_scope !== undefined ? props.resolveItem?.(spec.item_scope) ?? { schema: { type: "unknown" }, optional: false } : props.itemScope;
  const inner = <FieldControl {...props} itemScope={itemScope} invalid={invalid} fieldKey={key} />;
  if (props.bare === true) return inner;
  const block = spec.type === "list" || spec.type === "map" || spec.type === "object" || spec.type === "variant" || spec.type === "object_schema" || spec.type === "type_schema";
  return (
    <div className={`field${block ? " field-block" : ""}${invalid ? " field-invalid" : ""}`} data-field={key}>
      <span className="field-label">
        {label}
        {spec.required === true && <span className="required" aria-label="required">*</span>}
      </span>
      {inner}
      {spec.help !== undefined && <span className="field-help">{spec.help}</span>}
    </div>
  );
}

function FieldControl(props: FieldProps & { readonly invalid: boolean; readonly fieldKey: string }): ReactNode {
  const { spec, value, onChange, invalid, fieldKey } = props;
  const ctx = useContext(FormContextValue);
  const candidates = (options: CandidateOptions = {}) => (): readonly RefCandidate[] => ctx.candidates({ ...options, ...(props.itemScope !== undefined ? { item: props.itemScope } : {}) });
  switch (spec.type) {
    case "string":
      if (namesSecret(props.path)) return <SuggestInput value={value} onChange={onChange} label={spec.label ?? props.name} fieldKey={fieldKey} invalid={invalid} suggestions={ctx.secretNames} placeholder="a secret name (see Secrets)" />;
      return spec.multiline === true ? (
        <textarea rows={3} aria-label={spec.label ?? props.name} data-field-path={fieldKey} value={typeof value === "string" ? value : ""} onChange={(e) => { onChange(e.target.value === "" && spec.required !== true ? undefined : e.target.value); }} />
      ) : (
        <input
          type="text"
          aria-label={spec.label ?? props.name}
          data-field-path={fieldKey}
          className={invalid ? "invalid" : ""}
          value={typeof value === "string" ? value : ""}
          spellCheck={false}
          onChange={(e) => { onChange(e.target.value === "" && spec.required !== true ? undefined : e.target.value); }}
        />
      );
    case "number":
    case "integer":
      return <NumberInput spec={spec} value={value} onChange={onChange} label={spec.label ?? props.name} fieldKey={fieldKey} invalid={invalid} />;
    case "boolean":
      return <input type="checkbox" aria-label={spec.label ?? props.name} data-field-path={fieldKey} checked={value === true} onChange={(e) => { onChange(e.target.checked); }} />;
    case "enum":
      return (
        <select aria-label={spec.label ?? props.name} data-field-path={fieldKey} value={typeof value === "string" ? value : ""} onChange={(e) => { onChange(e.target.value === "" ? undefined : e.target.value); }}>
          {(spec.required !== true || typeof value !== "string") && <option value="">—</option>}
          {spec.values.map((v) => (
            <option key={v} value={v}>{v.replace(/_/g, " ")}</option>
          ))}
        </select>
      );
    case "template":
      return <TemplateInput value={typeof value === "string" ? value : ""} onChange={(v) => { onChange(v === "" && spec.required !== true ? undefined : v); }} candidates={candidates()} multiline={spec.multiline === true} label={spec.label ?? props.name} fieldPath={fieldKey} invalid={invalid} placeholder="Text with {{references}}" />;
    case "reference":
      return <TemplateInput value={typeof value === "string" ? value : ""} onChange={(v) => { onChange(v === "" && spec.required !== true ? undefined : v); }} candidates={candidates(spec.candidate === true ? { candidate: true } : {})} label={spec.label ?? props.name} fieldPath={fieldKey} invalid={invalid} placeholder="{{node.path}}" />;
    case "value":
      return <ValueInput value={value} onChange={onChange} candidates={candidates()} label={spec.label ?? props.name} fieldKey={fieldKey} invalid={invalid} required={spec.required === true} />;
    case "scalar":
      return <ScalarInput value={value} onChange={onChange} label={spec.label ?? props.name} fieldKey={fieldKey} />;
    case "tool_name":
      return <SuggestInput value={value} onChange={onChange} label={spec.label ?? props.name} fieldKey={fieldKey} invalid={invalid} suggestions={ctx.toolNames} placeholder="a published tool" />;
    case "type_schema":
      if (spec.required !== true && value === undefined) {
        return (
          <button type="button" className="ghost small-button" data-field-path={fieldKey} onClick={() => { onChange({ type: "object", properties: {}, required: [] }); }}>
            + Declare a schema
          </button>
        );
      }
      return (
        <>
          <TypeSchemaEditor value={value} onChange={onChange} fieldPath={fieldKey} />
          {spec.required !== true && (
            <button type="button" className="ghost small-button danger" onClick={() => { onChange(undefined); }}>
              Remove schema
            </button>
          )}
        </>
      );
    case "object_schema":
      return <ObjectSchemaEditor value={value} onChange={onChange} fieldPath={fieldKey} />;
    case "list":
      return <ListEditor {...props} spec={spec} />;
    case "map":
      return <MapEditor {...props} spec={spec} />;
    case "object":
      return <ObjectEditor {...props} spec={spec} />;
    case "variant":
      return <VariantEditor {...props} spec={spec} />;
  }
}

function NumberInput({ spec, value, onChange, label, fieldKey, invalid }: { readonly spec: Extract<FieldSpec, { type: "number" | "integer" }>; readonly value: JsonValue | undefined; readonly onChange: (v: JsonValue | undefined) => void; readonly label: string; readonly fieldKey: string; readonly invalid: boolean }): ReactNode {
  return (
    <input
      type="number"
      aria-label={label}
      data-field-path={fieldKey}
      className={invalid ? "invalid" : ""}
      min={spec.min}
      max={spec.max}
      step={spec.type === "integer" ? 1 : "any"}
      value={typeof value === "number" ? value : ""}
      placeholder={spec.required === true ? "" : "optional"}
      onChange={(e) => {
        if (e.target.value === "") onChange(undefined);
        else {
          const n = Number(e.target.value);
          if (Number.isFinite(n)) onChange(n);
        }
      }}
    />
  );
}

/** A value: text (a template or one exact reference) or a JSON literal (number, boolean, null, object, array). */
function ValueInput({ value, onChange, candidates, label, fieldKey, invalid, required }: { readonly value: JsonValue | undefined; readonly onChange: (v: JsonValue | undefined) => void; readonly candidates: () => readonly RefCandidate[]; readonly label: string; readonly fieldKey: string; readonly invalid: boolean; readonly required: boolean }): ReactNode {
  const isText = value === undefined || typeof value === "string";
  const [mode, setMode] = useState<"text" | "json">(isText ? "text" : "json");
  const [draft, setDraft] = useState(() => (isText ? "" : JSON.stringify(value)));
  const [error, setError] = useState<string | undefined>();
  const currentMode = !isText ? "json" : mode;
  return (
    <div className="value-input">
      <div className="value-row">
        {currentMode === "text" ? (
          <TemplateInput value={typeof value === "string" ? value : ""} onChange={(v) => { onChange(v === "" && !required ? undefined : v); }} candidates={candidates} label={label} fieldPath={fieldKey} invalid={invalid} placeholder="Text, {{reference}} or switch to JSON" />
        ) : (
          <TemplateInput
            value={draft}
            onChange={(text) => {
              setDraft(text);
              if (text.trim() === "") {
                setError(undefined);
                onChange(required ? "" : undefined);
                return;
              }
              try {
                onChange(JSON.parse(text) as JsonValue);
                setError(undefined);
              } catch {
                setError("Not valid JSON yet");
              }
            }}
            candidates={candidates}
            label={label}
            fieldPath={fieldKey}
            invalid={invalid || error !== undefined}
            placeholder='42, true, null, {"a": "{{input.x}}"}'
          />
        )}
        <button
          type="button"
          className="mode-toggle"
          title={currentMode === "text" ? "Enter a JSON literal (number, boolean, null, object, array)" : "Enter text or a reference"}
          onClick={() => {
            if (currentMode === "text") {
              setDraft(typeof value === "string" && value !== "" ? JSON.stringify(value) : "");
              setMode("json");
            } else {
              setMode("text");
              setError(undefined);
              onChange(typeof value === "string" ? value : value === undefined ? undefined : JSON.stringify(value));
            }
          }}
        >
          {currentMode === "text" ? "Aa" : "{ }"}
        </button>
      </div>
      {error !== undefined && <span className="field-error">{error}</span>}
    </div>
  );
}

function ScalarInput({ value, onChange, label, fieldKey }: { readonly value: JsonValue | undefined; readonly onChange: (v: JsonValue | undefined) => void; readonly label: string; readonly fieldKey: string }): ReactNode {
  const isNumber = typeof value === "number";
  return (
    <div className="value-row">
      <input
        type={isNumber ? "number" : "text"}
        aria-label={label}
        data-field-path={fieldKey}
        value={typeof value === "number" || typeof value === "string" ? value : ""}
        onChange={(e) => { onChange(isNumber ? (e.target.value === "" ? 0 : Number(e.target.value)) : e.target.value); }}
      />
      <button type="button" className="mode-toggle" title={isNumber ? "Make it text" : "Make it a number"} onClick={() => { onChange(isNumber ? String(value) : Number.isFinite(Number(value)) ? Number(value) : 0); }}>
        {isNumber ? "123" : "Aa"}
      </button>
    </div>
  );
}

/** A text field that offers known names (published tools, secrets) and accepts any other. */
function SuggestInput({ value, onChange, label, fieldKey, invalid, suggestions, placeholder }: { readonly value: JsonValue | undefined; readonly onChange: (v: JsonValue | undefined) => void; readonly label: string; readonly fieldKey: string; readonly invalid: boolean; readonly suggestions: readonly string[]; readonly placeholder: string }): ReactNode {
  const listId = `suggest-${fieldKey.replace(/\W/g, "-")}`;
  return (
    <>
      <input type="text" list={listId} aria-label={label} data-field-path={fieldKey} className={invalid ? "invalid" : ""} value={typeof value === "string" ? value : ""} placeholder={placeholder} spellCheck={false} onChange={(e) => { onChange(e.target.value); }} />
      <datalist id={listId}>
        {suggestions.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
    </>
  );
}

function ListEditor(props: FieldProps & { readonly spec: Extract<FieldSpec, { type: "list" }> }): ReactNode {
  const { spec, value, onChange } = props;
  const items = Array.isArray(value) ? (value as readonly JsonValue[]) : [];
  const objectItems = spec.of.type === "object";
  return (
    <div className="list-editor">
      {items.map((item, i) => (
        <div className={`list-item${objectItems ? " list-item-card" : ""}`} key={i}>
          <div className="list-item-body">
            <FieldEditor
              name={`${props.name} ${String(i + 1)}`}
              spec={spec.of}
              value={item}
              bare={!objectItems}
              path={[...props.path, i]}
              {...(props.itemScope !== undefined ? { itemScope: props.itemScope } : {})}
              {...(props.resolveItem !== undefined ? { resolveItem: props.resolveItem } : {})}
              onChange={(next) => { onChange(items.map((x, j) => (j === i ? (next ?? emptyOf(spec.of)) : x))); }}
            />
          </div>
          <button type="button" className="icon-button" aria-label={`Remove ${props.name} ${String(i + 1)}`} disabled={spec.minItems !== undefined && items.length <= spec.minItems} onClick={() => { onChange(items.filter((_, j) => j !== i)); }}>×</button>
        </div>
      ))}
      <button type="button" className="ghost small-button" onClick={() => { onChange([...items, emptyOf(spec.of)]); }}>
        + Add {singular(spec.label ?? props.name)}
      </button>
    </div>
  );
}

function MapEditor(props: FieldProps & { readonly spec: Extract<FieldSpec, { type: "map" }> }): ReactNode {
  const { spec, value, onChange } = props;
  const obj: JsonObject = isJsonObject(value) ? value : {};
  const entries = Object.entries(obj);
  const write = (next: [string, JsonValue][]): void => { onChange(Object.fromEntries(next)); };
  return (
    <div className="map-editor">
      {entries.length === 0 && <p className="muted small">None yet.</p>}
      {entries.map(([k, v], i) => (
        <div className="map-entry" key={String(i)} data-map-key={k}>
          <KeyInput
            value={k}
            taken={new Set(entries.map(([x]) => x))}
            onCommit={(nk) => { write(entries.map(([x, y], j) => (j === i ? [nk, y] : [x, y]))); }}
          />
          <div className="map-value">
            <FieldEditor
              name={k}
              spec={spec.of}
              value={v}
              bare
              path={[...props.path, k]}
              {...(props.itemScope !== undefined ? { itemScope: props.itemScope } : {})}
              onChange={(next) => { write(entries.map(([x, y], j) => (j === i ? [x, next ?? emptyOf(spec.of)] : [x, y]))); }}
            />
          </div>
          <button type="button" className="icon-button" aria-label={`Remove ${k}`} onClick={() => { write(entries.filter((_, j) => j !== i)); }}>×</button>
        </div>
      ))}
      <button
        type="button"
        className="ghost small-button"
        onClick={() => {
          let n = entries.length + 1;
          while (obj[`field${String(n)}`] !== undefined) n++;
          write([...entries, [`field${String(n)}`, emptyOf(spec.of)]]);
        }}
      >
        + Add {singular(spec.label ?? props.name)}
      </button>
    </div>
  );
}

function KeyInput({ value, taken, onCommit }: { readonly value: string; readonly taken: ReadonlySet<string>; readonly onCommit: (v: string) => void }): ReactNode {
  const [text, setText] = useState(value);
  const commit = (): void => {
    const t = text.trim();
    if (t !== "" && t !== value && !taken.has(t)) onCommit(t);
    else setText(value);
  };
  return <input className="map-key" aria-label="Key" value={text} spellCheck={false} onChange={(e) => { setText(e.target.value); }} onBlur={commit} onKeyDown={(e) => { if (e.key === "Enter") commit(); }} />;
}

function ObjectEditor(props: FieldProps & { readonly spec: Extract<FieldSpec, { type: "object" }> }): ReactNode {
  const { spec, value, onChange } = props;
  const obj: JsonObject = isJsonObject(value) ? value : {};
  const optionalObject = spec.required !== true && props.path.length === 1;
  if (optionalObject && !isJsonObject(value)) {
    return (
      <button type="button" className="ghost small-button" onClick={() => { onChange(emptyOf(spec)); }}>
        + Add {(spec.label ?? props.name).toLowerCase()}
      </button>
    );
  }
  return (
    <div className="object-editor">
      {Object.entries(spec.fields).map(([k, fieldSpec]) => (
        <FieldEditor
          key={k}
          name={k}
          spec={fieldSpec}
          value={obj[k]}
          path={[...props.path, k]}
          siblings={obj}
          {...(props.itemScope !== undefined ? { itemScope: props.itemScope } : {})}
          onChange={(next) => {
            onChange(withKey(obj, k, next));
          }}
        />
      ))}
      {optionalObject && (
        <button type="button" className="ghost small-button danger" onClick={() => { onChange(undefined); }}>
          Remove {(spec.label ?? props.name).toLowerCase()}
        </button>
      )}
    </div>
  );
}

function VariantEditor(props: FieldProps & { readonly spec: Extract<FieldSpec, { type: "variant" }> }): ReactNode {
  const { spec, value, onChange } = props;
  const obj: JsonObject = isJsonObject(value) ? value : {};
  const names = Object.keys(spec.variants);
  const current = typeof obj[spec.discriminator] === "string" ? (obj[spec.discriminator] as string) : (names[0] ?? "");
  const fields = spec.variants[current] ?? {};
  return (
    <div className="object-editor">
      <div className="segmented" role="radiogroup" aria-label={spec.label ?? props.name}>
        {names.map((n) => (
          <button
            type="button"
            key={n}
            role="radio"
            aria-checked={n === current}
            className={n === current ? "active" : ""}
            onClick={() => {
              if (n === current) return;
              const next: Record<string, JsonValue> = { [spec.discriminator]: n };
              for (const [k, f] of Object.entries(spec.variants[n] ?? {})) {
                const keep = obj[k];
                if (keep !== undefined) next[k] = keep;
                else if (f.required === true) next[k] = emptyOf(f);
              }
              onChange(next);
            }}
          >
            {n}
          </button>
        ))}
      </div>
      {Object.entries(fields).map(([k, fieldSpec]) => (
        <FieldEditor
          key={`${current}.${k}`}
          name={k}
          spec={fieldSpec}
          value={obj[k]}
          path={[...props.path, k]}
          onChange={(next) => {
            onChange(withKey({ ...obj, [spec.discriminator]: current }, k, next));
          }}
        />
      ))}
      {fieldSpecIsOptionalSchema(fields) && <p className="muted small">Optional: declare a schema to reference inside the value.</p>}
    </div>
  );
}

function fieldSpecIsOptionalSchema(fields: Readonly<Record<string, FieldSpec>>): boolean {
  return Object.values(fields).some((f) => f.type === "type_schema" && f.required !== true);
}

function singular(label: string): string {
  const l = label.toLowerCase();
  if (l.endsWith("ies")) return `${l.slice(0, -3)}y`;
  if (l.endsWith("s")) return l.slice(0, -1);
  return l;
}
