import { memo, useMemo, useState, type ReactNode } from "react";
import { lookupPath, parseString, type Diagnostic, type GraphNode, type JsonValue, type ValueType } from "../compiler";
import { isJsonObject, withKey, type JsonObject } from "../graph/model";
import { referenceCandidates, type Scope } from "../graph/references";
import { recordOf } from "../records";
import { FieldEditor, FormContextValue, type FormContext } from "./FieldEditor";

export type NodePatch = Partial<Omit<GraphNode, "position" | "id">> & { readonly config?: JsonObject };

/**
 * The selected node's form: its record's config fields, its id and label, and the
 * node-level retry / timeout / on-error policies. Diagnostics of the node are listed on top.
 */
function InspectorView(props: {
  readonly node: Omit<GraphNode, "position">;
  readonly scope: Scope;
  readonly diagnostics: readonly Diagnostic[];
  readonly toolNames: readonly string[];
  readonly secretNames: readonly string[];
  readonly onChange: (patch: NodePatch, coalesceKey: string) => void;
  readonly onRename: (newId: string) => string | undefined;
  readonly onDelete: () => void;
}): ReactNode {
  const { node, scope, onChange } = props;
  const record = recordOf(node.kind);
  const problemPaths = useMemo(() => new Set(props.diagnostics.flatMap((d) => (d.path ? [d.path.join(".")] : []))), [props.diagnostics]);
  const form = useMemo<FormContext>(() => ({ candidates: (options) => referenceCandidates(scope, node.id, options), toolNames: props.toolNames, secretNames: props.secretNames, problemPaths }), [scope, node.id, props.toolNames, props.secretNames, problemPaths]);

  const resolveItem = (sibling: string): ValueType => {
    const itemsValue = node.config[sibling];
    const parsed = typeof itemsValue === "string" ? parseString(itemsValue) : undefined;
    if (parsed?.kind === "reference") {
      const base = scope.types.get(parsed.ref.node);
      if (base !== undefined) {
        const found = lookupPath(base, parsed.ref.path);
        if (found.ok && found.type.schema.type === "array") return { schema: found.type.schema.items, optional: false };
      }
    }
    return { schema: { type: "unknown" }, optional: false };
  };

  if (record === undefined) return <div className="inspector-empty">Unknown node kind “{node.kind}”.</div>;

  return (
    <FormContextValue.Provider value={form}>
      <div className="inspector" data-inspector-node={node.id}>
        <div className="inspector-head">
          <div>
            <div className="inspector-kind">{record.component.name}</div>
            <p className="muted small">{record.component.summary}</p>
          </div>
          <button type="button" className="ghost danger small-button" onClick={props.onDelete} title="Delete node (Delete)">Delete</button>
        </div>
        {props.diagnostics.length > 0 && (
          <ul className="inspector-problems">
            {props.diagnostics.map((d, i) => (
              <li key={i} className={`diag diag-${d.severity}`}>
                <code>{d.code}</code> {d.message}
                {d.hint !== "" && <div className="muted small">{d.hint}</div>}
              </li>
            ))}
          </ul>
        )}
        <IdField id={node.id} kind={node.kind} onRename={props.onRename} />
        <label className="field">
          <span className="field-label">Label</span>
          <input type="text" aria-label="Label" value={node.label ?? ""} placeholder="Shown on the canvas (optional)" onChange={(e) => { onChange({ label: e.target.value === "" ? undefined : e.target.value }, "label"); }} />
        </label>
        <div className="inspector-section-title">Settings</div>
        {Object.entries(record.config_schema.fields).map(([name, spec]) => (
          <FieldEditor
            key={`${node.id}.${name}`}
            name={name}
            spec={spec}
            value={node.config[name]}
            path={[name]}
            resolveItem={resolveItem}
            onChange={(value) => {
              onChange({ config: withKey(node.config, name, value) }, `config.${name}`);
            }}
          />
        ))}
        {node.kind !== "input" && node.kind !== "output" && <Policies node={node} onChange={onChange} />}
        <details className="inspector-more">
          <summary>Output</summary>
          <p className="small">{record.output_type.description}</p>
          <p className="small muted">Reference it as <code>{`{{${node.id}}}`}</code> or a path inside it from nodes that run after this one.</p>
        </details>
      </div>
    </FormContextValue.Provider>
  );
}

function IdField({ id, kind, onRename }: { readonly id: string; readonly kind: string; readonly onRename: (id: string) => string | undefined }): ReactNode {
  const [text, setText] = useState(id);
  const [error, setError] = useState<string | undefined>();
  const commit = (): void => {
    if (text === id) return;
    const problem = onRename(text);
    setError(problem);
    if (problem !== undefined) setText(id);
  };
  return (
    <label className="field">
      <span className="field-label">Id</span>
      <input
        type="text"
        aria-label="Node id"
        value={text}
        disabled={kind === "input"}
        title={kind === "input" ? "The input node's id is always input" : "References name the node by id; renaming updates them"}
        spellCheck={false}
        onChange={(e) => { setText(e.target.value); }}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
        }}
      />
      {error !== undefined && <span className="field-error">{error}</span>}
    </label>
  );
}

function Policies({ node, onChange }: { readonly node: Omit<GraphNode, "position">; readonly onChange: (patch: NodePatch, key: string) => void }): ReactNode {
  const retry = node.retry;
  const onError = node.onError;
  const [fallbackText, setFallbackText] = useState(() => (onError?.action === "continue" ? JSON.stringify(onError.fallback) : "{}"));
  const [fallbackError, setFallbackError] = useState<string | undefined>();
  return (
    <details className="inspector-more" open={retry !== undefined || node.timeoutMs !== undefined || onError !== undefined}>
      <summary>Retry, timeout and errors</summary>
      <label className="check">
        <input type="checkbox" aria-label="Retry" checked={retry !== undefined} onChange={(e) => { onChange({ retry: e.target.checked ? { maxAttempts: 3, backoff: "exponential", initialDelayMs: 200 } : undefined }, "retry"); }} />
        Retry failed attempts (network errors, timeouts, 429/5xx)
      </label>
      {retry !== undefined && (
        <div className="grid-2">
          <label className="field">
            <span className="field-label">Max attempts</span>
            <input type="number" min={1} max={20} aria-label="Max attempts" value={retry.maxAttempts} onChange={(e) => { onChange({ retry: { ...retry, maxAttempts: clampInt(e.target.value, 1, 20) } }, "retry.maxAttempts"); }} />
          </label>
          <label className="field">
            <span className="field-label">Backoff</span>
            <select aria-label="Backoff" value={retry.backoff} onChange={(e) => { onChange({ retry: { ...retry, backoff: e.target.value === "fixed" ? "fixed" : e.target.value === "linear" ? "linear" : "exponential" } }, "retry.backoff"); }}>
              <option value="fixed">fixed</option>
              <option value="linear">linear</option>
              <option value="exponential">exponential</option>
            </select>
          </label>
          <label className="field">
            <span className="field-label">First delay (ms)</span>
            <input type="number" min={0} aria-label="Initial delay" value={retry.initialDelayMs} onChange={(e) => { onChange({ retry: { ...retry, initialDelayMs: clampInt(e.target.value, 0, 600_000) } }, "retry.initialDelayMs"); }} />
          </label>
          <label className="field">
            <span className="field-label">Max delay (ms)</span>
            <input
              type="number"
              min={0}
              aria-label="Max delay"
              value={retry.maxDelayMs ?? ""}
              placeholder="none"
              onChange={(e) => {
                const rest = { maxAttempts: retry.maxAttempts, backoff: retry.backoff, initialDelayMs: retry.initialDelayMs };
                onChange({ retry: e.target.value === "" ? rest : { ...rest, maxDelayMs: clampInt(e.target.value, 0, 3_600_000) } }, "retry.maxDelayMs");
              }}
            />
          </label>
        </div>
      )}
      <label className="field">
        <span className="field-label">Timeout per attempt (ms)</span>
        <input type="number" min={1} aria-label="Timeout" value={node.timeoutMs ?? ""} placeholder="no limit" onChange={(e) => { onChange({ timeoutMs: e.target.value === "" ? undefined : clampInt(e.target.value, 1, 3_600_000) }, "timeoutMs"); }} />
      </label>
      <label className="field">
        <span className="field-label">On error</span>
        <select
          aria-label="On error"
          value={onError?.action ?? "fail"}
          onChange={(e) => {
            if (e.target.value === "continue") {
              let fallback: JsonValue;
              try {
                fallback = JSON.parse(fallbackText) as JsonValue;
              } catch {
                fallback = {};
              }
              onChange({ onError: { action: "continue", fallback } }, "onError");
            } else onChange({ onError: undefined }, "onError");
          }}
        >
          <option value="fail">fail the run</option>
          <option value="continue">continue with a fallback value</option>
        </select>
      </label>
      {onError?.action === "continue" && (
        <label className="field">
          <span className="field-label">Fallback (JSON, the node's output shape)</span>
          <textarea
            rows={3}
            aria-label="Fallback"
            value={fallbackText}
            spellCheck={false}
            onChange={(e) => {
              setFallbackText(e.target.value);
              try {
                const fallback = JSON.parse(e.target.value) as JsonValue;
                setFallbackError(undefined);
                onChange({ onError: { action: "continue", fallback } }, "onError.fallback");
              } catch {
                setFallbackError("Not valid JSON yet");
              }
            }}
          />
          {fallbackError !== undefined && <span className="field-error">{fallbackError}</span>}
        </label>
      )}
    </details>
  );
}

function clampInt(text: string, min: number, max: number): number {
  const n = Math.round(Number(text));
  return Number.isFinite(n) ? Math.min(Math.max(n, min), max) : min;
}

export function isConfigObject(value: unknown): value is JsonObject {
  return isJsonObject(value);
}

/** Memoized: dragging the selected node changes its position, not what the form shows. */
export const Inspector = memo(InspectorView);
