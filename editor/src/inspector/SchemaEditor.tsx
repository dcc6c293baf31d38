import { useState, type ReactNode } from "react";
import type { JsonValue } from "../compiler";
import { isJsonObject, withKey, type JsonObject } from "../graph/model";

/**
 * Editors for the graph's type language (a JSON Schema subset): the input node's fields
 * (name, type, required, description) and any typed schema (an http body, LLM JSON output).
 */
const TYPES = ["string", "number", "integer", "boolean", "enum", "array", "object", "null"] as const;
type TypeChoice = (typeof TYPES)[number];

function choiceOf(schema: JsonValue | undefined): TypeChoice {
  if (!isJsonObject(schema)) return "string";
  if (schema.type === "string" && Array.isArray(schema.enum)) return "enum";
  const t = schema.type;
  return typeof t === "string" && (TYPES as readonly string[]).includes(t) ? (t as TypeChoice) : "string";
}

function schemaFor(choice: TypeChoice, previous: JsonValue | undefined): JsonObject {
  const description: JsonObject = isJsonObject(previous) && typeof previous.description === "string" ? { description: previous.description } : {};
  switch (choice) {
    case "enum":
      return { type: "string", enum: ["a", "b"], ...description };
    case "array":
      return { type: "array", items: { type: "string" }, ...description };
    case "object":
      return { type: "object", properties: {}, required: [], ...description };
    default:
      return { type: choice, ...description };
  }
}

export function TypeSchemaEditor({ value, onChange, fieldPath, depth = 0 }: { readonly value: JsonValue | undefined; readonly onChange: (v: JsonObject) => void; readonly fieldPath?: string; readonly depth?: number }): ReactNode {
  const schema: JsonObject = isJsonObject(value) ? value : { type: "string" };
  const choice = choiceOf(schema);
  return (
    <div className="schema-editor" data-field-path={fieldPath}>
      <select aria-label="Type" value={choice} onChange={(e) => { onChange(schemaFor(e.target.value as TypeChoice, schema)); }}>
        {TYPES.map((t) => (
          <option key={t} value={t}>{t}</option>
        ))}
      </select>
      <SchemaDetails schema={schema} choice={choice} onChange={onChange} depth={depth} />
    </div>
  );
}

function SchemaDetails({ schema, choice, onChange, depth }: { readonly schema: JsonObject; readonly choice: TypeChoice; readonly onChange: (v: JsonObject) => void; readonly depth: number }): ReactNode {
  if (choice === "enum") {
    const values = Array.isArray(schema.enum) ? (schema.enum as readonly JsonValue[]).map(String) : [];
    return <EnumValues values={values} onChange={(next) => { onChange({ ...schema, enum: next }); }} />;
  }
  if (choice === "array") {
    return (
      <div className="schema-nested">
        <span className="muted small">items</span>
        <TypeSchemaEditor value={schema.items} depth={depth + 1} onChange={(items) => { onChange({ ...schema, items }); }} />
      </div>
    );
  }
  if (choice === "object") {
    return (
      <div className="schema-nested">
        <ObjectSchemaEditor value={schema} onChange={onChange} depth={depth + 1} />
      </div>
    );
  }
  return null;
}

function EnumValues({ values, onChange }: { readonly values: readonly string[]; readonly onChange: (v: string[]) => void }): ReactNode {
  const [text, setText] = useState(values.join(", "));
  return (
    <input
      aria-label="Allowed values"
      placeholder="comma-separated values"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const next = e.target.value.split(",").map((v) => v.trim()).filter((v) => v !== "");
        if (next.length > 0) onChange([...new Set(next)]);
      }}
    />
  );
}

/** An object schema as a list of fields: name, type, required, description. */
export function ObjectSchemaEditor({ value, onChange, fieldPath, depth = 0 }: { readonly value: JsonValue | undefined; readonly onChange: (v: JsonObject) => void; readonly fieldPath?: string; readonly depth?: number }): ReactNode {
  const schema: JsonObject = isJsonObject(value) ? value : { type: "object", properties: {}, required: [] };
  const properties: JsonObject = isJsonObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as readonly JsonValue[]).filter((r): r is string => typeof r === "string") : []);
  const entries = Object.entries(properties);

  const write = (nextProps: [string, JsonValue][], nextRequired: ReadonlySet<string>): void => {
    const names = new Set(nextProps.map(([k]) => k));
    onChange({ ...schema, type: "object", properties: Object.fromEntries(nextProps), required: [...nextRequired].filter((r) => names.has(r)) });
  };

  const rename = (index: number, name: string): void => {
    const old = entries[index]?.[0];
    if (old === undefined || name === old || name === "" || properties[name] !== undefined) return;
    const nextRequired = new Set(required);
    if (nextRequired.delete(old)) nextRequired.add(name);
    write(entries.map(([k, v], i) => (i === index ? [name, v] : [k, v])), nextRequired);
  };

  return (
    <div className="object-schema" data-field-path={fieldPath}>
      {entries.length === 0 && <p className="muted small">No fields yet.</p>}
      {entries.map(([name, prop], index) => (
        <div className="schema-field" key={`${String(index)}:${name}`} data-schema-field={name}>
          <div className="schema-field-row">
            <NameInput name={name} onCommit={(n) => { rename(index, n); }} />
            <TypeSchemaEditorInline
              value={prop}
              onChange={(next) => { write(entries.map(([k, v], i) => (i === index ? [k, next] : [k, v])), required); }}
              depth={depth}
            />
            <label className="check" title="Callers must pass this field">
              <input
                type="checkbox"
                aria-label={`${name} required`}
                checked={required.has(name)}
                onChange={(e) => {
                  const next = new Set(required);
                  if (e.target.checked) next.add(name);
                  else next.delete(name);
                  write(entries, next);
                }}
              />
              req.
            </label>
            <button type="button" className="icon-button" aria-label={`Remove field ${name}`} onClick={() => { write(entries.filter((_, i) => i !== index), required); }}>×</button>
          </div>
          <input
            className="schema-description"
            aria-label={`${name} description`}
            placeholder="Description (agents read it)"
            value={isJsonObject(prop) && typeof prop.description === "string" ? prop.description : ""}
            onChange={(e) => {
              const base: JsonObject = isJsonObject(prop) ? prop : { type: "string" };
              const next: JsonObject = withKey(base, "description", e.target.value === "" ? undefined : e.target.value);
              write(entries.map(([k, v], i) => (i === index ? [k, next] : [k, v])), required);
            }}
          />
        </div>
      ))}
      <button
        type="button"
        className="ghost small-button"
        onClick={() => {
          let n = entries.length + 1;
          while (properties[`field${String(n)}`] !== undefined) n++;
          const name = `field${String(n)}`;
          write([...entries, [name, { type: "string" }]], new Set([...required, name]));
        }}
      >
        + Add field
      </button>
    </div>
  );
}

/** The type select with nested details, on one row with the field name. */
function TypeSchemaEditorInline({ value, onChange, depth }: { readonly value: JsonValue; readonly onChange: (v: JsonObject) => void; readonly depth: number }): ReactNode {
  const schema: JsonObject = isJsonObject(value) ? value : { type: "string" };
  const choice = choiceOf(schema);
  return (
    <>
      <select aria-label="Type" value={choice} onChange={(e) => { onChange(schemaFor(e.target.value as TypeChoice, schema)); }}>
        {TYPES.map((t) => (
          <option key={t} value={t}>{t}</option>
        ))}
      </select>
      {(choice === "enum" || choice === "array" || choice === "object") && (
        <div className="schema-field-details">
          <SchemaDetails schema={schema} choice={choice} onChange={onChange} depth={depth} />
        </div>
      )}
    </>
  );
}

/** A property name, committed on blur or Enter so renaming does not fight the caret. */
function NameInput({ name, onCommit }: { readonly name: string; readonly onCommit: (name: string) => void }): ReactNode {
  const [text, setText] = useState(name);
  return (
    <input
      className="schema-name"
      aria-label="Field name"
      value={text}
      spellCheck={false}
      onChange={(e) => { setText(e.target.value.replace(/[^A-Za-z0-9_$-]/g, "")); }}
      onBlur={() => { onCommit(text); }}
      onKeyDown={(e) => {
        if (e.key === "Enter") onCommit(text);
      }}
    />
  );
}
