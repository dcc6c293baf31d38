import hljs from "highlight.js/lib/core";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import typescript from "highlight.js/lib/languages/typescript";
import { useMemo, type ReactNode } from "react";

hljs.registerLanguage("typescript", typescript);
hljs.registerLanguage("json", json);
hljs.registerLanguage("markdown", markdown);

function languageOf(path: string): string | undefined {
  if (path.endsWith(".ts") || path.endsWith(".js") || path.endsWith(".mjs")) return "typescript";
  if (path.endsWith(".json")) return "json";
  if (path.endsWith(".md")) return "markdown";
  return undefined;
}

/** Read-only, syntax-highlighted source with line numbers (highlight.js escapes the text it returns). */
export function CodeView({ path, code }: { readonly path: string; readonly code: string }): ReactNode {
  const html = useMemo(() => {
    const language = languageOf(path);
    return language === undefined ? hljs.highlight(code, { language: "plaintext", ignoreIllegals: true }).value : hljs.highlight(code, { language, ignoreIllegals: true }).value;
  }, [path, code]);
  const lines = useMemo(() => code.split("\n").length, [code]);
  return (
    <div className="code-view" data-file={path}>
      <pre className="code-gutter" aria-hidden="true">{Array.from({ length: lines }, (_, i) => String(i + 1)).join("\n")}</pre>
      <pre className="code-body hljs"><code dangerouslySetInnerHTML={{ __html: html }} /></pre>
    </div>
  );
}
