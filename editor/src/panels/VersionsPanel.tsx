import { useState, type ReactNode } from "react";
import type { VersionSummary } from "../api/client";
import type { Diagnostic, JsonValue } from "../compiler";
import { isJsonObject } from "../graph/model";
import { formatDate } from "../ui/format";

export type PublishState = { readonly state: "idle" } | { readonly state: "running" } | { readonly state: "refused"; readonly message: string; readonly diagnostics: readonly Diagnostic[] } | { readonly state: "published"; readonly version: number; readonly hash: string };

/** Publish, the immutable versions with their hashes and zip downloads, and copy-ready snippets to call the tool. */
export function VersionsPanel(props: {
  readonly toolName: string;
  readonly inputSchema: JsonValue | undefined;
  readonly versions: readonly VersionSummary[] | undefined;
  readonly publish: PublishState;
  readonly onPublish: () => void;
  readonly onDownload: (version: number) => void;
  readonly onPickDiagnostic: (d: Diagnostic) => void;
}): ReactNode {
  const latest = props.versions?.[0];
  return (
    <div className="versions-panel">
      <div className="versions-main">
        <div className="versions-head">
          <button type="button" className="primary" onClick={props.onPublish} disabled={props.publish.state === "running"}>
            {props.publish.state === "running" ? "Publishing…" : "Publish new version"}
          </button>
          <span className="muted small">Publishing compiles and verifies the draft, then freezes it as the next immutable version.</span>
        </div>
        {props.publish.state === "published" && <p className="notice notice-success" role="status">Published version {props.publish.version} (hash <code>{props.publish.hash.slice(0, 12)}</code>).</p>}
        {props.publish.state === "refused" && (
          <div className="notice notice-error" role="alert">
            <p>Publishing was refused: {props.publish.message}</p>
            <ul className="compile-diagnostics">
              {props.publish.diagnostics.map((d, i) => (
                <li key={i}>
                  <button type="button" className={`problem problem-${d.severity}`} onClick={() => { props.onPickDiagnostic(d); }}>
                    <code className="problem-code">{d.code}</code> {d.nodeId !== undefined && <span className="problem-node">{d.nodeId}</span>} <span className="problem-message">{d.message}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        {props.versions === undefined && <p className="muted">Loading versions…</p>}
        {props.versions?.length === 0 && <p className="muted">Not published yet. Agents can call the tool once a version is published.</p>}
        {props.versions !== undefined && props.versions.length > 0 && (
          <table className="versions-table">
            <thead>
              <tr><th>Version</th><th>Published</th><th>Hash</th><th>Compiler</th><th /></tr>
            </thead>
            <tbody>
              {props.versions.map((v) => (
                <tr key={v.version} data-version={v.version}>
                  <td><strong>v{v.version}</strong>{v === latest && <span className="pill pill-ok small-pill">latest</span>}</td>
                  <td>{formatDate(v.createdAt)}</td>
                  <td className="mono small" title={v.hash}>{v.hash.slice(0, 16)}</td>
                  <td className="muted small">{v.compilerVersion}</td>
                  <td><button type="button" className="ghost small-button" onClick={() => { props.onDownload(v.version); }}>Download zip</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <Snippets toolName={props.toolName} inputSchema={props.inputSchema} published={latest !== undefined} />
    </div>
  );
}

function exampleOf(schema: JsonValue | undefined, depth = 0): JsonValue {
  if (!isJsonObject(schema) || depth > 4) return null;
  if (Array.isArray(schema.enum)) return (schema.enum as readonly JsonValue[])[0] ?? "";
  switch (schema.type) {
    case "string":
      return "text";
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return true;
    case "array":
      return [exampleOf(schema.items, depth + 1)];
    case "object": {
      const props = isJsonObject(schema.properties) ? schema.properties : {};
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, exampleOf(v, depth + 1)]));
    }
    default:
      return null;
  }
}

function Snippets({ toolName, inputSchema, published }: { readonly toolName: string; readonly inputSchema: JsonValue | undefined; readonly published: boolean }): ReactNode {
  const [tab, setTab] = useState<"curl" | "fetch">("curl");
  const [copied, setCopied] = useState(false);
  const endpoint = `${window.location.origin}/tools/${toolName}/invoke`;
  const body = JSON.stringify({ input: exampleOf(inputSchema) });
  const curl = `curl -X POST '${endpoint}' \\\n  -H "Authorization: Bearer $TOOLWRIGHT_KEY" \\\n  -H 'Content-Type: application/json' \\\n  -d '${body.replace(/'/g, "'\\''")}'`;
  const fetchSnippet = `const response = await fetch("${endpoint}", {\n  method: "POST",\n  headers: {\n    Authorization: \`Bearer \${process.env.TOOLWRIGHT_KEY}\`,\n    "Content-Type": "application/json",\n  },\n  body: JSON.stringify(${JSON.stringify({ input: exampleOf(inputSchema) }, null, 2).replace(/\n/g, "\n  ")}),\n});\nconst { output, runId } = await response.json();`;
  const text = tab === "curl" ? curl : fetchSnippet;
  return (
    <div className="snippets">
      <div className="panel-subtitle">Call the tool</div>
      {!published && <p className="muted small">Snippets call the latest published version; publish first.</p>}
      <div className="segmented">
        <button type="button" className={tab === "curl" ? "active" : ""} onClick={() => { setTab("curl"); }}>curl</button>
        <button type="button" className={tab === "fetch" ? "active" : ""} onClick={() => { setTab("fetch"); }}>fetch</button>
        <button
          type="button"
          className="ghost small-button"
          onClick={() => {
            void navigator.clipboard.writeText(text).then(() => {
              setCopied(true);
              window.setTimeout(() => { setCopied(false); }, 1500);
            });
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <pre className="snippet mono" data-testid={`snippet-${tab}`}>{text}</pre>
      <p className="muted small">Use an invoke key: <code>npx toolwright keys create --scope invoke --name agent</code>. Pin a version with <code>/tools/{toolName}@1/invoke</code>.</p>
    </div>
  );
}
