import { Handle, Position, type NodeProps } from "@xyflow/react";
import { createContext, memo, useContext, useMemo, type ReactNode } from "react";
import { outPortsOf, type JsonValue } from "../compiler";
import { isJsonObject, type FlowNode } from "../graph/model";
import { OverlayStore, useNodeOverlay } from "../graph/overlay";
import { recordOf, registry } from "../records";
import { formatMs } from "../ui/format";

export const OverlayContext = createContext<OverlayStore>(new OverlayStore());

export const CATEGORY_COLOR: Readonly<Record<string, string>> = {
  flow: "#6366f1",
  data: "#0891b2",
  actions: "#d97706",
  ai: "#9333ea",
  tools: "#059669",
};

/** One line that says what the node does, from its config. */
export function nodeSummary(kind: string, config: Readonly<Record<string, JsonValue>>): string {
  const s = (v: JsonValue | undefined): string => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));
  switch (kind) {
    case "input": {
      const schema = config.schema;
      const props = isJsonObject(schema) && isJsonObject(schema.properties) ? Object.keys(schema.properties) : [];
      return props.length === 0 ? "no fields yet" : props.join(", ");
    }
    case "output":
    case "transform": {
      const values = config.values;
      return isJsonObject(values) ? Object.keys(values).join(", ") || "no fields" : "";
    }
    case "merge": {
      const values = config.values;
      return isJsonObject(values) ? Object.keys(values).join(", ") : "";
    }
    case "http":
      return `${s(config.method)} ${s(config.url)}`.trim();
    case "llm":
      return `${s(config.model)} · ${s(config.prompt)}`;
    case "conditional": {
      const conditions = Array.isArray(config.conditions) ? (config.conditions as readonly JsonValue[]) : [];
      const first = conditions[0];
      const text = isJsonObject(first) ? `${s(first.left)} ${s(first.operator).replace(/_/g, " ")} ${s(first.right)}` : "";
      return conditions.length > 1 ? `${text} ${s(config.combineWith)} …` : text;
    }
    case "switch":
      return `on ${s(config.value)}`;
    case "call_tool":
    case "for_each":
      return `${s(config.tool)}${config.version !== undefined ? `@${s(config.version)}` : ""}`;
    case "delay":
      return `${s(config.ms)} ms`;
    default:
      return "";
  }
}

function ToolNodeView({ id, data, selected }: NodeProps<FlowNode>): ReactNode {
  const node = data.node;
  const overlay = useNodeOverlay(useContext(OverlayContext), id);
  const record = recordOf(node.kind);
  const outPorts = useMemo(() => outPortsOf({ ...node, position: { x: 0, y: 0 } }, registry), [node]);
  const inPorts = record?.ports.in ?? [];
  const color = CATEGORY_COLOR[record?.component.category ?? ""] ?? "#64748b";
  const summary = nodeSummary(node.kind, node.config);
  const multi = outPorts.length > 1;
  const run = overlay.run;
  const classes = ["tw-node", selected ? "is-selected" : "", overlay.errors > 0 ? "has-error" : overlay.warnings > 0 ? "has-warning" : "", run ? `run-${run.status}` : ""].filter(Boolean).join(" ");

  return (
    <div className={classes} data-node-id={id} data-kind={node.kind} data-run-status={run?.status} style={{ ["--kind-color" as string]: color }} title={overlay.message}>
      {inPorts.map((port) => (
        <Handle key={port} type="target" position={Position.Left} id={port} className="tw-handle" />
      ))}
      <div className="tw-node-head">
        <span className="tw-node-kind">{record?.component.name ?? node.kind}</span>
        {overlay.errors > 0 && <span className="badge badge-error" aria-label={`${String(overlay.errors)} errors`}>{overlay.errors}</span>}
        {overlay.errors === 0 && overlay.warnings > 0 && <span className="badge badge-warning" aria-label={`${String(overlay.warnings)} warnings`}>{overlay.warnings}</span>}
        {run && (
          <span className={`run-pill run-pill-${run.status}`} data-testid="run-status">
            {run.status === "running" ? "running" : run.status}
            {run.durationMs !== undefined && run.status !== "skipped" ? ` · ${formatMs(run.durationMs)}` : ""}
            {run.attempts !== undefined && run.attempts > 1 ? ` · ${String(run.attempts)} tries` : ""}
          </span>
        )}
      </div>
      <div className="tw-node-title">{node.label ?? id}</div>
      {node.label !== undefined && <div className="tw-node-id">{id}</div>}
      {summary !== "" && <div className="tw-node-summary">{summary}</div>}
      {multi && (
        <div className="tw-ports">
          {outPorts.map((port) => (
            <div key={port} className="tw-port-row">
              <span className="tw-port-label">{port}</span>
              <Handle type="source" position={Position.Right} id={port} className={`tw-handle tw-handle-${port === "true" ? "true" : port === "false" ? "false" : "case"}`} />
            </div>
          ))}
        </div>
      )}
      {!multi && outPorts.map((port) => <Handle key={port} type="source" position={Position.Right} id={port} className="tw-handle" />)}
    </div>
  );
}

export const ToolNode = memo(ToolNodeView);

/** Stable across renders (React Flow warns and re-mounts nodes otherwise). */
export const nodeTypes = { tool: ToolNode };
