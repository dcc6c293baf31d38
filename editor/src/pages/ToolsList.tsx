import { useCallback, useMemo, useState, type SyntheticEvent, type ReactNode } from "react";
import type { ApiClient, ToolSummary } from "../api/client";
import { TOOL_NAME } from "../compiler";
import { starterGraph } from "../graph/model";
import { navigate } from "../route";
import { DangerButton } from "../ui/DangerButton";
import { Dialog } from "../ui/Dialog";
import { SecretsDialog } from "./SecretsDialog";
import { errorMessage, relativeTime } from "../ui/format";
import { useToast } from "../ui/toast";
import { useLoaded } from "../ui/use-loaded";

/** The tools list: create, open, rename, delete, search; the server's secrets. */
export function ToolsList({ client, onSignOut }: { readonly client: ApiClient; readonly onSignOut: () => void }): ReactNode {
  const [query, setQuery] = useState("");
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<ToolSummary | undefined>();
  const [deleting, setDeleting] = useState<ToolSummary | undefined>();
  const [secrets, setSecrets] = useState(false);
  const notify = useToast();

  const loadTools = useCallback(async (): Promise<readonly ToolSummary[]> => {
    const [tools, runs] = await Promise.all([client.listTools(), client.listRuns().catch(() => [])]);
    // Runs come newest first: the first one seen per tool is its last run.
    const lastRun = new Map<string, string>();
    for (const run of runs) if (run.toolId !== undefined && !lastRun.has(run.toolId)) lastRun.set(run.toolId, run.status);
    return tools.map((t) => { const status = lastRun.get(t.id); return status === undefined ? t : { ...t, lastRunStatus: status }; });
  }, [client]);
  const [load, refresh] = useLoaded(loadTools);

  const shown = useMemo(() => {
    if (load.state !== "ready") return [];
    const q = query.trim().toLowerCase();
    const list = q === "" ? load.value : load.value.filter((t) => t.name.toLowerCase().includes(q) || t.description.toLowerCase().includes(q));
    return [...list].sort((a, b) => a.name.localeCompare(b.name));
  }, [load, query]);

  return (
    <div className="page">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">T</span>
          <span>Toolwright</span>
        </div>
        <div className="topbar-spacer" />
        <button type="button" className="ghost" onClick={() => { setSecrets(true); }}>Secrets</button>
        <button type="button" className="ghost" onClick={onSignOut}>Sign out</button>
      </header>
      <main className="tools-page">
        <div className="tools-head">
          <div>
            <h1>Tools</h1>
            <p className="muted">Composite tools that agents and programs call over HTTP and MCP.</p>
          </div>
          <button type="button" className="primary" onClick={() => { setCreating(true); }}>New tool</button>
        </div>
        <input className="search" type="search" placeholder="Search tools by name or description" aria-label="Search tools" value={query} onChange={(e) => { setQuery(e.target.value); }} />
        {load.state === "loading" && <div className="empty">Loading tools…</div>}
        {load.state === "error" && (
          <div className="empty empty-error" role="alert">
            <p>Could not load the tools: {load.message}</p>
            <button type="button" onClick={() => void refresh()}>Try again</button>
          </div>
        )}
        {load.state === "ready" && load.value.length === 0 && (
          <div className="empty">
            <p><strong>No tools yet.</strong> A tool starts with an input and ends with an output; build what happens in between on the canvas.</p>
            <button type="button" className="primary" onClick={() => { setCreating(true); }}>Create your first tool</button>
          </div>
        )}
        {load.state === "ready" && load.value.length > 0 && shown.length === 0 && <div className="empty">No tool matches “{query}”.</div>}
        {shown.length > 0 && (
          <table className="tools-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Published</th>
                <th>Last run</th>
                <th>Updated</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {shown.map((tool) => (
                <tr key={tool.id} data-tool={tool.name}>
                  <td>
                    <a className="tool-link" href={`#/tools/${encodeURIComponent(tool.id)}`}>{tool.name}</a>
                    <div className="muted small clamp">{tool.description || "No description"}</div>
                  </td>
                  <td>{tool.latestVersion > 0 ? <span className="pill pill-ok">v{tool.latestVersion}</span> : <span className="pill">draft</span>}</td>
                  <td>{tool.lastRunStatus !== undefined ? <span className={`pill pill-${tool.lastRunStatus}`}>{tool.lastRunStatus}</span> : <span className="muted">—</span>}</td>
                  <td className="muted">{relativeTime(tool.updatedAt)}</td>
                  <td className="row-actions">
                    <button type="button" className="ghost" onClick={() => { navigate({ page: "editor", toolId: tool.id }); }}>Open</button>
                    <button type="button" className="ghost" onClick={() => { setRenaming(tool); }}>Rename</button>
                    <button type="button" className="ghost danger" onClick={() => { setDeleting(tool); }}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
      {secrets && <SecretsDialog client={client} onClose={() => { setSecrets(false); }} />}
      {creating && (
        <NameDialog
          title="New tool"
          submitLabel="Create tool"
          withDescription
          onClose={() => { setCreating(false); }}
          onSubmit={async (name, description) => {
            const created = await client.createTool(starterGraph(name, description));
            setCreating(false);
            navigate({ page: "editor", toolId: created.id });
          }}
        />
      )}
      {renaming !== undefined && (
        <NameDialog
          title={`Rename ${renaming.name}`}
          submitLabel="Rename"
          initialName={renaming.name}
          onClose={() => { setRenaming(undefined); }}
          onSubmit={async (name) => {
            const tool = await client.getTool(renaming.id);
            const graph = typeof tool.graph === "object" && tool.graph !== null ? (tool.graph as Record<string, unknown>) : {};
            const meta = typeof graph.tool === "object" && graph.tool !== null ? (graph.tool as Record<string, unknown>) : {};
            await client.saveTool(renaming.id, { ...graph, tool: { ...meta, name } });
            setRenaming(undefined);
            notify(`Renamed to ${name}`, "success");
            await refresh();
          }}
        />
      )}
      {deleting !== undefined && (
        <ConfirmDelete
          tool={deleting}
          onClose={() => { setDeleting(undefined); }}
          onConfirm={async () => {
            await client.deleteTool(deleting.id);
            setDeleting(undefined);
            notify(`Deleted ${deleting.name}`, "success");
            await refresh();
          }}
        />
      )}
    </div>
  );
}

function NameDialog(props: {
  readonly title: string;
  readonly submitLabel: string;
  readonly initialName?: string;
  readonly withDescription?: boolean;
  readonly onClose: () => void;
  readonly onSubmit: (name: string, description: string) => Promise<void>;
}): ReactNode {
  const [name, setName] = useState(props.initialName ?? "");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const nameProblem = name !== "" && !TOOL_NAME.test(name) ? "Letters, digits and _, starting with a letter (agents call the tool by this name)." : undefined;

  const submit = async (e: SyntheticEvent): Promise<void> => {
    e.preventDefault();
    if (name === "" || nameProblem !== undefined) {
      setError(nameProblem ?? "Give the tool a name.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await props.onSubmit(name, description);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form onSubmit={(e) => void submit(e)} className="form-stack">
        <label className="field">
          <span className="field-label">Name</span>
          <input name="name" value={name} onChange={(e) => { setName(e.target.value); }} placeholder="triage_refund" spellCheck={false} autoComplete="off" />
          {nameProblem !== undefined && <span className="field-error">{nameProblem}</span>}
        </label>
        {props.withDescription === true && (
          <label className="field">
            <span className="field-label">Description</span>
            <textarea name="description" rows={3} value={description} onChange={(e) => { setDescription(e.target.value); }} placeholder="What the tool does; agents read this to decide when to call it." />
          </label>
        )}
        {error !== undefined && <p className="notice notice-error" role="alert">{error}</p>}
        <div className="dialog-actions">
          <button type="button" className="ghost" onClick={props.onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={busy}>{busy ? "Working…" : props.submitLabel}</button>
        </div>
      </form>
    </Dialog>
  );
}

function ConfirmDelete({ tool, onClose, onConfirm }: { readonly tool: ToolSummary; readonly onClose: () => void; readonly onConfirm: () => Promise<void> }): ReactNode {
  const [error, setError] = useState<string | undefined>();
  return (
    <Dialog title={`Delete ${tool.name}?`} onClose={onClose}>
      <p>This deletes the tool with every published version and its run history. Agents calling it will get 404. This cannot be undone.</p>
      {error !== undefined && <p className="notice notice-error" role="alert">{error}</p>}
      <div className="dialog-actions">
        <button type="button" className="ghost" onClick={onClose}>Cancel</button>
        <DangerButton label="Delete tool" busyLabel="Deleting…" action={onConfirm} onError={setError} />
      </div>
    </Dialog>
  );
}
