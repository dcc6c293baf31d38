import { memo, type ReactNode } from "react";
import type { Diagnostic } from "../compiler";
import { formatMs } from "../ui/format";

/** Every diagnostic with code, message and hint; clicking one selects and reveals its edge, or its node and field. */
function ProblemsPanelView({ diagnostics, ms, onPick }: { readonly diagnostics: readonly Diagnostic[]; readonly ms: number; readonly onPick: (d: Diagnostic) => void }): ReactNode {
  if (diagnostics.length === 0) {
    return (
      <div className="panel-ok" data-testid="problems-empty">
        <span className="ok-dot" aria-hidden="true" /> No problems: the graph validates. <span className="muted small">(checked in {formatMs(ms)})</span>
      </div>
    );
  }
  return (
    <ul className="problems" aria-label="Problems">
      {diagnostics.map((d, i) => (
        <li key={`${d.code}:${d.nodeId ?? ""}:${String(i)}`}>
          <button type="button" className={`problem problem-${d.severity}`} onClick={() => { onPick(d); }} data-code={d.code} data-node={d.nodeId} data-edge={d.edgeId}>
            <span className={`sev sev-${d.severity}`}>{d.severity === "error" ? "Error" : "Warning"}</span>
            <code className="problem-code">{d.code}</code>
            {/* The edge when there is one (clicking selects it); its message names the node. */}
            {d.edgeId !== undefined ? <span className="problem-node">edge {d.edgeId}</span> : d.nodeId !== undefined && <span className="problem-node">{d.nodeId}</span>}
            <span className="problem-message">{d.message}</span>
            {d.hint !== "" && <span className="problem-hint">{d.hint}</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}

export const ProblemsPanel = memo(ProblemsPanelView);
