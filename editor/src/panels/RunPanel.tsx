import { useState, type ReactNode } from "react";
import type { RunResult, RunSummary } from "../api/client";
import type { JsonValue } from "../compiler";
import { isJsonObject, withKey, type JsonObject } from "../graph/model";
import { formatMs, prettyJson, relativeTime } from "../ui/format";

export type RunState =
  | { readonly state: "idle" }
  | { readonly state: "running"; readonly phase: "compiling" | "running"; readonly finished: number }
  | { readonly state: "failed"; readonly message: string }
  | { readonly state: "done"; readonly result: RunResult; readonly label: string };

/** The test-run form (from the input schema, or raw JSON), the latest result and recent runs. */
export function RunPanel(props: {
  readonly schema: JsonValue | undefined;
  readonly input: JsonObject;
  readonly onInput: (input: JsonObject) => void;
  readonly run: RunState;
  readonly onRun: () => void;
  readonly onCancel: () => void;
  readonly recent: readonly RunSummary[] | undefined;
  readonly onOpenRun: (id: string) => void;
  readonly onPickNode: (id: string) => void;
}): ReactNode {
  const [raw, setRaw] = useState(false);
  const [rawText, setRawText] = useState(() => JSON.stringify(props.input, null, 2));
  const [rawError, setRawError] = useState<string | undefined>();
  const properties = isJsonObject(props.schema) && isJsonObject(props.schema.properties) ? props.schema.properties : {};
  const required = new Set(isJsonObject(props.schema) && Array.isArray(props.schema.required) ? (props.schema.required as readonly JsonValue[]).map(String) : []);

  return (
    <div className="run-panel">
      <form
        className="run-form"
        aria-label="Run input"
        onSubmit={(e) => {
          e.preventDefault();
          props.onRun();
        }}
      >
        <div className="run-form-head">
          <strong>Input</strong>
          <label className="check small">
            <input
              type="checkbox"
              checked={raw}
              onChange={(e) => {
                setRaw(e.target.checked);
                setRawText(JSON.stringify(props.input, null, 2));
                setRawError(undefined);
              }}
            />
            Raw JSON
          </label>
        </div>
        {raw ? (
          <textarea
            className="mono"
            rows={8}
            aria-label="Input JSON"
            value={rawText}
            spellCheck={false}
            onChange={(e) => {
              setRawText(e.target.value);
              try {
                const parsed = JSON.parse(e.target.value) as JsonValue;
                if (!isJsonObject(parsed)) throw new Error("not an object");
                props.onInput(parsed);
                setRawError(undefined);
              } catch {
                setRawError("The input is a JSON object");
              }
            }}
          />
        ) : Object.keys(properties).length === 0 ? (
          <p className="muted small">The input node declares no fields.</p>
        ) : (
          Object.entries(properties).map(([name, schema]) => (
            <InputField key={name} name={name} schema={schema} required={required.has(name)} value={props.input[name]} onChange={(v) => {
              props.onInput(withKey(props.input, name, v));
            }} />
          ))
        )}
        {rawError !== undefined && <span className="field-error">{rawError}</span>}
        {/* Distinct keys: reusing one element would turn the clicked Cancel into a submit button mid-click and start a new run. */}
        {props.run.state === "running" ? (
          <button key="cancel" type="button" onClick={props.onCancel} title="Stop the run on the server">Cancel run</button>
        ) : (
          <button key="run" type="submit" className="primary" disabled={rawError !== undefined} title="Run the draft (Ctrl+Enter)">Run</button>
        )}
      </form>
      <div className="run-result" data-testid="run-result">
        <RunResultView run={props.run} onPickNode={props.onPickNode} />
      </div>
      <div className="run-history">
        <div className="panel-subtitle">Recent runs</div>
        {props.recent === undefined && <p className="muted small">Loading…</p>}
        {props.recent?.length === 0 && <p className="muted small">No runs yet.</p>}
        <ul>
          {props.recent?.map((r) => (
            <li key={r.id}>
              <button type="button" className="run-row" onClick={() => { props.onOpenRun(r.id); }}>
                <span className={`pill pill-${r.status}`}>{r.status}</span>
                <span className="muted small">{r.version !== undefined ? `v${String(r.version)}` : "draft"}</span>
                <span className="small">{relativeTime(r.startedAt)}</span>
                <span className="muted small">{formatMs(r.durationMs)}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function RunResultView({ run, onPickNode }: { readonly run: RunState; readonly onPickNode: (id: string) => void }): ReactNode {
  if (run.state === "idle") return <p className="muted">Fill in the input and press Run (Ctrl+Enter). The draft is saved and executed on the server; each node shows its status on the canvas.</p>;
  if (run.state === "running") {
    return (
      <p role="status" data-testid="run-progress">
        <span className="spinner" aria-hidden="true" />
        {run.phase === "compiling" ? "Compiling and verifying the draft…" : `Running… ${String(run.finished)} node${run.finished === 1 ? "" : "s"} finished`}
      </p>
    );
  }
  if (run.state === "failed") return <p className="notice notice-error" role="alert">{run.message}</p>;
  const { result } = run;
  return (
    <div>
      <div className="run-result-head">
        <span className={`pill ${result.ok ? "pill-succeeded" : "pill-failed"}`} data-testid="run-outcome">{result.ok ? "succeeded" : "failed"}</span>
        <span className="muted small">{run.label}</span>
        {result.durationMs !== undefined && <span className="muted small">{formatMs(result.durationMs)}</span>}
      </div>
      {result.error !== undefined && (
        <div className="notice notice-error" role="alert">
          <code>{result.error.code}</code> {result.error.message}
          {result.error.nodeId !== undefined && (
            <button type="button" className="link" onClick={() => { onPickNode(result.error?.nodeId ?? ""); }}>at {result.error.nodeId}</button>
          )}
        </div>
      )}
      {result.ok && (
        <>
          <div className="panel-subtitle">Output</div>
          <pre className="json-view" data-testid="run-output">{prettyJson(result.output)}</pre>
        </>
      )}
      {result.trace.length > 0 && (
        <>
          <div className="panel-subtitle">Nodes</div>
          <ul className="span-list">
            {result.trace.map((s) => (
              <li key={s.nodeId}>
                <button type="button" className="run-row" onClick={() => { onPickNode(s.nodeId); }}>
                  <span className={`pill pill-${s.status}`}>{s.status}</span>
                  <code>{s.nodeId}</code>
                  <span className="muted small">{s.status === "skipped" ? "" : formatMs(s.durationMs)}</span>
                  {s.attempts > 1 && <span className="muted small">{s.attempts} attempts</span>}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function InputField({ name, schema, required, value, onChange }: { readonly name: string; readonly schema: JsonValue; readonly required: boolean; readonly value: JsonValue | undefined; readonly onChange: (v: JsonValue | undefined) => void }): ReactNode {
  const s = isJsonObject(schema) ? schema : {};
  const description = typeof s.description === "string" ? s.description : undefined;
  const label = (
    <span className="field-label">
      {name}
      {required && <span className="required">*</span>} <span className="muted small">{typeof s.type === "string" ? s.type : ""}</span>
    </span>
  );
  let control: ReactNode;
  if (s.type === "string" && Array.isArray(s.enum)) {
    control = (
      <select aria-label={name} value={typeof value === "string" ? value : ""} onChange={(e) => { onChange(e.target.value === "" ? undefined : e.target.value); }}>
        <option value="">—</option>
        {(s.enum as readonly JsonValue[]).map((v) => { const text = typeof v === "string" ? v : JSON.stringify(v); return <option key={text} value={text}>{text}</option>; })}
      </select>
    );
  } else if (s.type === "string") {
    control = <input type="text" aria-label={name} value={typeof value === "string" ? value : ""} onChange={(e) => { onChange(e.target.value === "" && !required ? undefined : e.target.value); }} />;
  } else if (s.type === "number" || s.type === "integer") {
    control = <input type="number" aria-label={name} step={s.type === "integer" ? 1 : "any"} value={typeof value === "number" ? value : ""} onChange={(e) => { onChange(e.target.value === "" ? undefined : Number(e.target.value)); }} />;
  } else if (s.type === "boolean") {
    control = <input type="checkbox" aria-label={name} checked={value === true} onChange={(e) => { onChange(e.target.checked); }} />;
  } else {
    control = <JsonField name={name} value={value} onChange={onChange} />;
  }
  return (
    <label className="field">
      {label}
      {control}
      {description !== undefined && <span className="field-help">{description}</span>}
    </label>
  );
}

function JsonField({ name, value, onChange }: { readonly name: string; readonly value: JsonValue | undefined; readonly onChange: (v: JsonValue | undefined) => void }): ReactNode {
  const [text, setText] = useState(value === undefined ? "" : JSON.stringify(value));
  const [error, setError] = useState(false);
  return (
    <input
      type="text"
      className={`mono${error ? " invalid" : ""}`}
      aria-label={name}
      value={text}
      placeholder="JSON"
      onChange={(e) => {
        setText(e.target.value);
        if (e.target.value.trim() === "") {
          setError(false);
          onChange(undefined);
          return;
        }
        try {
          onChange(JSON.parse(e.target.value) as JsonValue);
          setError(false);
        } catch {
          setError(true);
        }
      }}
    />
  );
}
