import { useEffect, useState, type ReactNode } from "react";
import type { CompileResponse } from "../api/client";
import type { Diagnostic } from "../compiler";
import { formatMs } from "../ui/format";
import { CodeView } from "./CodeView";

export type CompileState = { readonly state: "idle" } | { readonly state: "running" } | { readonly state: "error"; readonly message: string } | { readonly state: "done"; readonly result: CompileResponse; readonly at: number };

const ORDER = ["src/tool.ts", "src/index.ts", "test/tool.test.ts", "README.md", "package.json", "tsconfig.json", "src/runtime.ts"];

/** The generated package: file tabs, verification results and compile timings. */
export function CompilePanel({ compile, onCompile, onPickDiagnostic }: { readonly compile: CompileState; readonly onCompile: () => void; readonly onPickDiagnostic: (d: Diagnostic) => void }): ReactNode {
  const files = compile.state === "done" ? Object.keys(compile.result.files).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)) : [];
  const [active, setActive] = useState<string | undefined>();
  useEffect(() => {
    if (files.length > 0 && (active === undefined || !files.includes(active))) setActive(files[0]);
  }, [files, active]);

  if (compile.state === "idle") {
    return (
      <div className="panel-empty">
        <p>Compile the graph to see the generated TypeScript package, its verification (tsc strict, ESLint, no <code>any</code>) and timings.</p>
        <button type="button" className="primary" onClick={onCompile}>Compile</button>
      </div>
    );
  }
  if (compile.state === "running") return <div className="panel-empty"><span className="spinner" aria-hidden="true" /> Compiling and verifying…</div>;
  if (compile.state === "error") {
    return (
      <div className="panel-empty empty-error" role="alert">
        <p>The server could not compile: {compile.message}</p>
        <button type="button" onClick={onCompile}>Try again</button>
      </div>
    );
  }
  const { result } = compile;
  const v = result.verification;
  const code = active !== undefined ? result.files[active] : undefined;
  return (
    <div className="compile-panel" data-testid="compile-panel">
      <div className="compile-summary">
        <span className={`pill ${result.success ? "pill-ok" : "pill-failed"}`}>{result.success ? "Compiled" : "Did not compile"}</span>
        {v !== undefined && (
          <>
            <span className={`pill ${v.tscPassed ? "pill-ok" : "pill-failed"}`}>tsc {v.tscPassed ? "passed" : "failed"}</span>
            <span className={`pill ${v.eslintPassed ? "pill-ok" : "pill-failed"}`}>ESLint {v.eslintPassed ? "passed" : "failed"}</span>
            <span className={`pill ${v.anyTypesFound === 0 ? "pill-ok" : "pill-failed"}`}>{v.anyTypesFound} any</span>
          </>
        )}
        {result.hash !== undefined && <span className="muted small mono" title={result.hash}>hash {result.hash.slice(0, 12)}</span>}
        <span className="timings">
          {Object.entries(result.timings).map(([phase, ms]) => (
            <span key={phase} className="timing"><span className="muted">{phase}</span> {formatMs(ms)}</span>
          ))}
        </span>
        <button type="button" className="ghost small-button" onClick={onCompile}>Recompile</button>
      </div>
      {result.diagnostics.length > 0 && (
        <ul className="compile-diagnostics">
          {result.diagnostics.map((d, i) => (
            <li key={i}>
              <button type="button" className={`problem problem-${d.severity}`} onClick={() => { onPickDiagnostic(d); }}>
                <code className="problem-code">{d.code}</code> {d.nodeId !== undefined && <span className="problem-node">{d.nodeId}</span>} <span className="problem-message">{d.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {v !== undefined && v.problems.length > 0 && (
        <ul className="compile-diagnostics">
          {v.problems.map((p, i) => (
            <li key={i} className="problem problem-error"><code>{p.tool}</code> {p.file}:{p.line}:{p.column} {p.message}</li>
          ))}
        </ul>
      )}
      {files.length > 0 && (
        <div className="code-area">
          <div className="file-tabs" role="tablist" aria-label="Generated files">
            {files.map((f) => (
              <button type="button" role="tab" key={f} aria-selected={f === active} className={f === active ? "active" : ""} onClick={() => { setActive(f); }}>{f}</button>
            ))}
          </div>
          {active !== undefined && code !== undefined && <CodeView path={active} code={code} />}
        </div>
      )}
    </div>
  );
}

function rank(path: string): number {
  const i = ORDER.indexOf(path);
  return i === -1 ? ORDER.length : i;
}
