import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { ApiError, type ApiClient, type RunSummary, type TraceSpan, type VersionSummary } from "../api/client";
import { CATEGORY_COLOR, nodeTypes, OverlayContext } from "../canvas/ToolNode";
import { DRAG_MIME, Palette } from "../canvas/Palette";
import { QuickAdd } from "../canvas/QuickAdd";
import { outPortsOf, parseGraph, type Diagnostic, type Graph, type ToolResolver, type ToolSignature, type ValueType } from "../compiler";
import { copySelection, pasteInto, readClipboard } from "../graph/clipboard";
import { connectionProblem } from "../graph/connections";
import { DocStore } from "../graph/doc-store";
import { edgesWithDiagnostics } from "../graph/edge-diagnostics";
import { docFromGraph, freshEdgeId, graphFromDoc, isJsonObject, newNode, renameReferences, type Doc, type FlowEdge, type FlowNode, type JsonObject } from "../graph/model";
import { LiveRun, runMarks } from "../graph/live-run";
import { OverlayStore } from "../graph/overlay";
import { EMPTY_VALIDATION, validate, type Validation } from "../graph/validation";
import { Inspector, type NodePatch } from "../inspector/Inspector";
import { CompilePanel, type CompileState } from "../panels/CompilePanel";
import { ProblemsPanel } from "../panels/ProblemsPanel";
import { RunPanel, type RunState } from "../panels/RunPanel";
import { ShortcutsHelp } from "../panels/ShortcutsHelp";
import { VersionsPanel, type PublishState } from "../panels/VersionsPanel";
import { recordOf, registry } from "../records";
import { navigate } from "../route";
import { Dialog } from "../ui/Dialog";
import { errorMessage, formatMs, prettyJson, saveBlob } from "../ui/format";
import { useToast } from "../ui/toast";

type LoadState = { readonly state: "loading" } | { readonly state: "error"; readonly message: string } | { readonly state: "ready"; readonly store: DocStore };

/** The editor of one tool: loads its draft, then hands a document store to the workspace. */
export function EditorPage({ client, toolId }: { readonly client: ApiClient; readonly toolId: string }): ReactNode {
  const [load, setLoad] = useState<LoadState>({ state: "loading" });
  useEffect(() => {
    let cancelled = false;
    client
      .getTool(toolId)
      .then((tool) => {
        const parsed = parseGraph(tool.graph);
        if (parsed.graph === undefined) throw new Error(`The saved draft is not a valid graph: ${parsed.diagnostics.map((d) => d.message).join("; ")}`);
        if (!cancelled) setLoad({ state: "ready", store: new DocStore(docFromGraph(parsed.graph)) });
      })
      .catch((error: unknown) => {
        if (!cancelled) setLoad({ state: "error", message: error instanceof ApiError && error.status === 404 ? "This tool does not exist (it may have been deleted)." : errorMessage(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [client, toolId]);

  if (load.state === "loading") return <div className="fullscreen-state"><span className="spinner" aria-hidden="true" /> Loading the tool…</div>;
  if (load.state === "error") {
    return (
      <div className="fullscreen-state" role="alert">
        <p>Could not open the tool: {load.message}</p>
        <button type="button" onClick={() => { navigate({ page: "tools" }); }}>Back to tools</button>
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <Workspace client={client} toolId={toolId} store={load.store} />
    </ReactFlowProvider>
  );
}

type BottomTab = "problems" | "compile" | "run" | "versions";
type SaveState = { readonly state: "saved" } | { readonly state: "unsaved" } | { readonly state: "saving" } | { readonly state: "error"; readonly message: string };

interface RunView {
  readonly trace: readonly TraceSpan[];
}

const NODE_ID = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;
// React Flow compares these props by identity and updates its store when they change: keep them stable.
const FIT_VIEW = { padding: 0.25, maxZoom: 1.1 } as const;
const EDGE_OPTIONS = { type: "smoothstep" } as const;
const PRO_OPTIONS = { hideAttribution: true } as const;
const DELETE_KEYS = ["Delete", "Backspace"];
const MULTI_SELECT_KEYS = ["Shift", "Meta", "Control"];

function Workspace({ client, toolId, store }: { readonly client: ApiClient; readonly toolId: string; readonly store: DocStore }): ReactNode {
  const doc = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const notify = useToast();
  const overlay = useMemo(() => new OverlayStore(), []);
  const wrapper = useRef<HTMLDivElement>(null);
  const docRef = useRef(doc);
  docRef.current = doc;

  const [validation, setValidation] = useState<Validation>(EMPTY_VALIDATION);
  const [validationCount, setValidationCount] = useState(0);
  const [tab, setTab] = useState<BottomTab>("problems");
  const [panelOpen, setPanelOpen] = useState(true);
  const [save, setSave] = useState<SaveState>({ state: "saved" });
  const [compile, setCompile] = useState<CompileState>({ state: "idle" });
  const [run, setRun] = useState<RunState>({ state: "idle" });
  const [runView, setRunView] = useState<RunView | undefined>();
  const [runInput, setRunInput] = useState<JsonObject>({});
  const [recentRuns, setRecentRuns] = useState<readonly RunSummary[] | undefined>();
  const [versions, setVersions] = useState<readonly VersionSummary[] | undefined>();
  const [publish, setPublish] = useState<PublishState>({ state: "idle" });
  const [quickAdd, setQuickAdd] = useState<{ screen: { x: number; y: number }; flow: { x: number; y: number } } | undefined>();
  const [help, setHelp] = useState(false);
  const [importProblems, setImportProblems] = useState<readonly Diagnostic[] | undefined>();
  const [published, setPublished] = useState<readonly ToolSignature[]>([]);
  const [rightTab, setRightTab] = useState<"settings" | "run">("settings");
  const fileInput = useRef<HTMLInputElement>(null);

  // ------------------------------------------------------------------ published tools (call_tool, for_each)
  useEffect(() => {
    client.publishedTools().then(setPublished, () => { setPublished([]); });
  }, [client]);
  const resolveTool = useMemo<ToolResolver>(() => (name, version) => published.find((t) => t.name === name && (version === undefined || t.version === version)), [published]);
  const toolNames = useMemo(() => published.map((t) => t.name), [published]);
  // Names only, for http auth; a failure just means no suggestions.
  const [secretNames, setSecretNames] = useState<readonly string[]>([]);
  useEffect(() => {
    client.listSecrets().then((list) => { setSecretNames(list.map((s) => s.name)); }, () => { setSecretNames([]); });
  }, [client]);

  // ------------------------------------------------------------------ live validation (debounced; skipped when only positions or selection changed)
  const semantic = useSemanticKey(doc);
  const lastTypes = useRef<ReadonlyMap<string, ValueType>>(new Map());
  useEffect(() => {
    const timer = window.setTimeout(() => {
      const result = validate(graphFromDoc(docRef.current), resolveTool, lastTypes.current);
      lastTypes.current = result.scope.types;
      setValidation(result);
      setValidationCount((n) => n + 1);
      overlay.setDiagnostics(result.byNode);
    }, 120);
    return () => { window.clearTimeout(timer); };
  }, [semantic, resolveTool, overlay]);

  // ------------------------------------------------------------------ save / autosave
  const saveNow = useCallback(async (): Promise<boolean> => {
    if (!store.dirty) return true;
    const revision = store.revision;
    setSave({ state: "saving" });
    try {
      await client.saveTool(toolId, graphFromDoc(store.getSnapshot()));
      store.markSaved(revision);
      setSave(store.revision !== revision ? { state: "unsaved" } : { state: "saved" });
      return true;
    } catch (error) {
      setSave({ state: "error", message: errorMessage(error) });
      return false;
    }
  }, [client, store, toolId]);

  useEffect(() => {
    if (!store.dirty) return;
    setSave((s) => (s.state === "saving" || s.state === "unsaved" ? s : { state: "unsaved" }));
    const timer = window.setTimeout(() => void saveNow(), 1500);
    return () => { window.clearTimeout(timer); };
  }, [doc, store, saveNow]);

  useEffect(() => {
    const beforeUnload = (e: BeforeUnloadEvent): void => {
      if (store.dirty) e.preventDefault();
    };
    window.addEventListener("beforeunload", beforeUnload);
    return () => { window.removeEventListener("beforeunload", beforeUnload); };
  }, [store]);

  // ------------------------------------------------------------------ canvas changes
  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const persistent = changes.some((c) => c.type === "remove" || c.type === "add" || c.type === "replace" || (c.type === "position" && c.position !== undefined));
      store.update((d) => ({ ...d, nodes: applyNodeChanges(changes, d.nodes) }), "none", { dirty: persistent });
    },
    [store],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => {
      const persistent = changes.some((c) => c.type !== "select");
      store.update((d) => ({ ...d, edges: applyEdgeChanges(changes, d.edges) }), "none", { dirty: persistent });
    },
    [store],
  );
  const onBeforeDelete = useCallback(() => {
    // One undo step for the whole delete, the edges that go with the nodes included.
    store.checkpoint();
    return Promise.resolve(true);
  }, [store]);

  const isValidConnection = useCallback<IsValidConnection<FlowEdge>>((c) => connectionProblem(docRef.current, c) === undefined, []);
  const onConnect = useCallback(
    (c: Connection) => {
      if (connectionProblem(docRef.current, c) !== undefined) return;
      store.update((d) => {
        const source = d.nodes.find((n) => n.id === c.source);
        const ports = source ? outPortsOf({ ...source.data.node, position: source.position }, registry) : [];
        const edge: FlowEdge = { id: freshEdgeId(new Set(d.edges.map((e) => e.id))), source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? ports[0] ?? "out", targetHandle: c.targetHandle ?? "in", ...(ports.length > 1 ? { label: c.sourceHandle ?? "" } : {}) };
        return { ...d, edges: [...d.edges, edge] };
      }, "push");
    },
    [store],
  );

  const addNode = useCallback(
    (kind: string, position?: { x: number; y: number }) => {
      const d = docRef.current;
      if (kind === "input" && d.nodes.some((n) => n.data.node.kind === "input")) {
        notify("A tool has exactly one input node.", "error");
        return;
      }
      let at = position;
      if (at === undefined) {
        const rect = wrapper.current?.getBoundingClientRect();
        at = flow.screenToFlowPosition({ x: (rect?.left ?? 0) + (rect?.width ?? 800) / 2 - 100, y: (rect?.top ?? 0) + (rect?.height ?? 600) / 2 - 40 });
      }
      const node = newNode(kind, at, new Set(d.nodes.map((n) => n.id)));
      if (node === undefined) return;
      store.update((doc2) => ({ ...doc2, nodes: [...doc2.nodes.map((n) => (n.selected === true ? { ...n, selected: false } : n)), { ...node, selected: true }] }), "push");
      setRightTab("settings");
    },
    [flow, notify, store],
  );

  const onCanvasDoubleClick = useCallback(
    (e: React.MouseEvent) => {
      if (!(e.target instanceof HTMLElement) || !e.target.classList.contains("react-flow__pane")) return;
      const rect = wrapper.current?.getBoundingClientRect();
      setQuickAdd({ screen: { x: e.clientX - (rect?.left ?? 0), y: e.clientY - (rect?.top ?? 0) }, flow: flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }) });
    },
    [flow],
  );

  const onDrop = useCallback(
    (e: React.DragEvent) => {
      const kind = e.dataTransfer.getData(DRAG_MIME);
      if (kind === "") return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addNode(kind, { x: p.x - 100, y: p.y - 30 });
    },
    [addNode, flow],
  );

  // ------------------------------------------------------------------ selection
  const selectedNodes = useMemo(() => doc.nodes.filter((n) => n.selected === true), [doc.nodes]);
  const selected = selectedNodes.length === 1 ? selectedNodes[0] : undefined;
  const selectedId = selected?.id;
  const selectedData = selected?.data.node;

  const selectNode = useCallback(
    (id: string, reveal: boolean) => {
      store.update((d) => ({ ...d, nodes: d.nodes.map((n) => (n.id === id ? (n.selected === true ? n : { ...n, selected: true }) : n.selected === true ? { ...n, selected: false } : n)), edges: d.edges.map((e) => (e.selected === true ? { ...e, selected: false } : e)) }), "none");
      if (reveal) {
        const node = flow.getInternalNode(id);
        if (node !== undefined) void flow.setCenter(node.internals.positionAbsolute.x + (node.measured.width ?? 200) / 2, node.internals.positionAbsolute.y + (node.measured.height ?? 80) / 2, { zoom: Math.max(flow.getZoom(), 0.9), duration: 300 });
      }
    },
    [flow, store],
  );

  const selectEdge = useCallback(
    (id: string) => {
      store.update((d) => ({ ...d, nodes: d.nodes.map((n) => (n.selected === true ? { ...n, selected: false } : n)), edges: d.edges.map((e) => (e.id === id ? (e.selected === true ? e : { ...e, selected: true }) : e.selected === true ? { ...e, selected: false } : e)) }), "none");
      const edge = flow.getEdge(id);
      const ends = edge === undefined ? [] : [flow.getInternalNode(edge.source), flow.getInternalNode(edge.target)].flatMap((n) => (n === undefined ? [] : [n]));
      if (ends.length === 0) return;
      const centre = (axis: "x" | "y", size: "width" | "height"): number => ends.reduce((sum, n) => sum + n.internals.positionAbsolute[axis] + (n.measured[size] ?? 0) / 2, 0) / ends.length;
      void flow.setCenter(centre("x", "width"), centre("y", "height"), { zoom: Math.max(flow.getZoom(), 0.9), duration: 300 });
      // Keyboard users land on the edge (React Flow edges are focusable).
      window.setTimeout(() => document.querySelector<SVGElement>(`.react-flow__edge[data-id="${CSS.escape(id)}"]`)?.focus(), 60);
    },
    [flow, store],
  );

  const pickDiagnostic = useCallback(
    (d: Diagnostic) => {
      if (d.edgeId !== undefined && docRef.current.edges.some((e) => e.id === d.edgeId)) {
        selectEdge(d.edgeId);
        return;
      }
      if (d.nodeId === undefined) return;
      selectNode(d.nodeId, true);
      setRightTab("settings");
      if (d.path !== undefined && d.path[0] === "config") {
        const key = d.path.join(".");
        window.setTimeout(() => {
          const candidates = [...document.querySelectorAll<HTMLElement>("[data-field-path]")];
          const exact = candidates.find((el) => el.dataset.fieldPath === key) ?? candidates.find((el) => key.startsWith(el.dataset.fieldPath ?? "\u0000"));
          if (exact !== undefined) {
            exact.scrollIntoView({ block: "center" });
            exact.focus();
          }
        }, 60);
      }
    },
    [selectEdge, selectNode],
  );

  // ------------------------------------------------------------------ inspector edits
  const patchSelected = useCallback(
    (patch: NodePatch, key: string) => {
      if (selectedId === undefined) return;
      const id = selectedId;
      store.update(
        (d) => ({
          ...d,
          nodes: d.nodes.map((n) => {
            if (n.id !== id) return n;
            return { ...n, data: { node: applyPatch(n.data.node, patch) } };
          }),
        }),
        { coalesce: `${id}:${key}` },
      );
    },
    [selectedId, store],
  );

  const renameSelected = useCallback(
    (newId: string): string | undefined => {
      if (selectedId === undefined) return undefined;
      const oldId = selectedId;
      if (!NODE_ID.test(newId) || newId === "item" || newId === "index") return "Letters, digits, _ and -, starting with a letter (not item or index).";
      if (docRef.current.nodes.some((n) => n.id === newId)) return `Another node is already called ${newId}.`;
      store.update(
        (d) => ({
          ...d,
          nodes: d.nodes.map((n) => {
            const config = renameReferences(n.data.node.config, oldId, newId);
            const node = { ...n.data.node, config: isJsonObject(config) ? config : {} };
            return n.id === oldId ? { ...n, id: newId, data: { node: { ...node, id: newId } } } : config === n.data.node.config ? n : { ...n, data: { node } };
          }),
          edges: d.edges.map((e) => (e.source === oldId || e.target === oldId ? { ...e, source: e.source === oldId ? newId : e.source, target: e.target === oldId ? newId : e.target } : e)),
        }),
        "push",
      );
      return undefined;
    },
    [selectedId, store],
  );

  const deleteSelection = useCallback(() => {
    const d = docRef.current;
    const ids = new Set(d.nodes.filter((n) => n.selected === true).map((n) => n.id));
    if (ids.size === 0) return;
    void flow.deleteElements({ nodes: [...ids].map((id) => ({ id })) });
  }, [flow]);

  // ------------------------------------------------------------------ tool settings
  const setToolMeta = useCallback((meta: Partial<Doc["tool"]>, key: string) => { store.update((d) => ({ ...d, tool: { ...d.tool, ...meta } }), { coalesce: `tool:${key}` }); }, [store]);

  // ------------------------------------------------------------------ compile, run, publish
  const doCompile = useCallback(async () => {
    setTab("compile");
    setPanelOpen(true);
    setCompile({ state: "running" });
    try {
      const result = await client.compile(graphFromDoc(docRef.current));
      setCompile({ state: "done", result, at: Date.now() });
    } catch (error) {
      setCompile({ state: "error", message: errorMessage(error) });
    }
  }, [client]);

  const refreshRuns = useCallback(() => {
    client.listRuns(toolId).then(setRecentRuns, () => { setRecentRuns([]); });
  }, [client, toolId]);
  const refreshVersions = useCallback(() => {
    client.listVersions(toolId).then(setVersions, (error: unknown) => {
      setVersions([]);
      notify(`Could not load versions: ${errorMessage(error)}`, "error");
    });
  }, [client, notify, toolId]);
  useEffect(() => {
    if (tab === "run" && recentRuns === undefined) refreshRuns();
    if (tab === "versions" && versions === undefined) refreshVersions();
  }, [tab, recentRuns, versions, refreshRuns, refreshVersions]);

  const runInputRef = useRef(runInput);
  runInputRef.current = runInput;
  // The run in flight: aborting it closes the stream, which cancels the run on the server.
  const runAbort = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => { runAbort.current?.abort(); }, []);
  const cancelRun = useCallback(() => { runAbort.current?.abort(); }, []);
  const doRun = useCallback(async () => {
    if (runAbort.current !== undefined) return;
    setTab("run");
    setPanelOpen(true);
    if (validation.diagnostics.some((d) => d.severity === "error")) {
      setRun({ state: "failed", message: "The graph has errors (see Problems); fix them before running." });
      return;
    }
    const abort = new AbortController();
    runAbort.current = abort;
    setRun({ state: "running", phase: "compiling", finished: 0 });
    overlay.setRun(undefined);
    setRunView({ trace: [] });
    const graph = graphFromDoc(docRef.current);
    const live = new LiveRun({ nodeIds: graph.nodes.map((n) => n.id), edges: graph.edges }, (marks, trace) => {
      overlay.setRun(marks);
      setRunView({ trace });
      setRun({ state: "running", phase: "running", finished: marks.size - [...marks.values()].filter((m) => m.status === "running").length });
    });
    try {
      if (!(await saveNow())) throw new Error("The draft could not be saved, so it was not run.");
      const result = await client.testRunStream(toolId, runInputRef.current, graph, { onStart: () => { live.start(); }, onSpan: (span) => { live.add(span); } }, abort.signal);
      live.stop();
      setRun({ state: "done", result, label: "draft, just now" });
      overlay.setRun(runMarks(result.trace));
      setRunView({ trace: result.trace });
      if (result.error?.nodeId !== undefined) selectNode(result.error.nodeId, false);
      setRightTab("run");
      refreshRuns();
    } catch (error) {
      live.stop();
      // What finished before a cancellation stays on the canvas; nothing is shown running.
      const finished = abort.signal.aborted ? live.trace : [];
      setRun({ state: "failed", message: abort.signal.aborted ? "The run was cancelled." : errorMessage(error) });
      overlay.setRun(runMarks(finished));
      setRunView(finished.length > 0 ? { trace: finished } : undefined);
      if (abort.signal.aborted) refreshRuns();
    } finally {
      runAbort.current = undefined;
    }
  }, [client, overlay, refreshRuns, saveNow, selectNode, toolId, validation.diagnostics]);

  const openRun = useCallback(
    async (id: string) => {
      try {
        const detail = await client.getRun(id);
        const ok = detail.status === "succeeded";
        setRun({ state: "done", result: { ok, trace: detail.trace, output: detail.output, ...(detail.error ? { error: detail.error } : {}), durationMs: detail.durationMs, runId: detail.id }, label: `run ${detail.id.slice(0, 8)}` });
        if (isJsonObject(detail.input)) setRunInput(detail.input);
        overlay.setRun(runMarks(detail.trace));
        setRunView({ trace: detail.trace });
        setRightTab("run");
      } catch (error) {
        notify(`Could not open the run: ${errorMessage(error)}`, "error");
      }
    },
    [client, notify, overlay],
  );

  const clearRun = useCallback(() => {
    overlay.setRun(undefined);
    setRunView(undefined);
    setRightTab("settings");
  }, [overlay]);

  const doPublish = useCallback(async () => {
    setTab("versions");
    setPanelOpen(true);
    setPublish({ state: "running" });
    if (!(await saveNow())) {
      setPublish({ state: "refused", message: "The draft could not be saved.", diagnostics: [] });
      return;
    }
    try {
      const result = await client.publish(toolId);
      setPublish({ state: "published", version: result.version, hash: result.hash });
      notify(`Published version ${String(result.version)}`, "success");
      refreshVersions();
    } catch (error) {
      setPublish({ state: "refused", message: errorMessage(error), diagnostics: error instanceof ApiError ? error.diagnostics : [] });
    }
  }, [client, notify, refreshVersions, saveNow, toolId]);

  const download = useCallback(
    async (version: number) => {
      try {
        const blob = await client.downloadVersion(toolId, version);
        saveBlob(blob, `${docRef.current.tool.name}-v${String(version)}.zip`);
      } catch (error) {
        notify(`Download failed: ${errorMessage(error)}`, "error");
      }
    },
    [client, notify, toolId],
  );

  // ------------------------------------------------------------------ graph files
  const exportGraph = useCallback(() => {
    const graph = graphFromDoc(docRef.current);
    saveBlob(new Blob([`${JSON.stringify(graph, null, 2)}\n`], { type: "application/json" }), `${graph.tool.name}.graph.json`);
  }, []);

  const importText = useCallback(
    (text: string) => {
      let value: unknown;
      try {
        value = JSON.parse(text) as unknown;
      } catch (error) {
        setImportProblems([{ code: "GRAPH_SCHEMA", severity: "error", message: `The file is not JSON: ${errorMessage(error)}`, hint: "Export a graph from Toolwright, or write one by docs/graph-format.md." }]);
        return;
      }
      const parsed = parseGraph(value);
      if (parsed.graph === undefined) {
        setImportProblems(parsed.diagnostics);
        return;
      }
      const graph: Graph = parsed.graph;
      store.update(() => docFromGraph(graph), "push");
      clearRun();
      notify(`Imported ${graph.tool.name}: ${String(graph.nodes.length)} nodes`, "success");
      window.setTimeout(() => void flow.fitView({ padding: 0.2, duration: 200 }), 50);
    },
    [clearRun, flow, notify, store],
  );

  // ------------------------------------------------------------------ layout
  const autoLayout = useCallback(async () => {
    const d = docRef.current;
    // elkjs is large: load it the first time a layout is asked for.
    const { layoutPositions } = await import("../graph/layout");
    const positions = await layoutPositions(d.nodes, d.edges);
    store.update((doc2) => ({ ...doc2, nodes: doc2.nodes.map((n) => { const p = positions.get(n.id); return p ? { ...n, position: p } : n; }) }), "push");
    window.setTimeout(() => void flow.fitView({ padding: 0.2, duration: 300 }), 30);
  }, [flow, store]);

  // ------------------------------------------------------------------ keyboard and clipboard
  useEffect(() => {
    const typing = (target: EventTarget | null): boolean => target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
    const onKey = (e: KeyboardEvent): void => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === "s") {
        e.preventDefault();
        void saveNow();
        return;
      }
      if (mod && key === "enter") {
        e.preventDefault();
        void doRun();
        return;
      }
      if (typing(e.target)) return;
      if (mod && key === "z" && !e.shiftKey) {
        e.preventDefault();
        store.undo();
      } else if (mod && ((key === "z" && e.shiftKey) || key === "y")) {
        e.preventDefault();
        store.redo();
      } else if (mod && key === "d") {
        e.preventDefault();
        const content = copySelection(docRef.current);
        if (content) store.update((d) => pasteInto(d, content, { x: 40, y: 40 }), "push");
      } else if (mod && key === "a") {
        e.preventDefault();
        store.update((d) => ({ ...d, nodes: d.nodes.map((n) => (n.selected === true ? n : { ...n, selected: true })) }), "none");
      } else if (mod && key === "k") {
        e.preventDefault();
        const rect = wrapper.current?.getBoundingClientRect();
        const screen = { x: (rect?.width ?? 600) / 2 - 150, y: 80 };
        setQuickAdd({ screen, flow: flow.screenToFlowPosition({ x: (rect?.left ?? 0) + (rect?.width ?? 600) / 2, y: (rect?.top ?? 0) + (rect?.height ?? 400) / 2 }) });
      } else if (e.shiftKey && key === "l") {
        e.preventDefault();
        void autoLayout();
      } else if (e.shiftKey && key === "f") {
        e.preventDefault();
        void flow.fitView({ padding: 0.2, duration: 200 });
      } else if (e.key === "?") {
        e.preventDefault();
        setHelp(true);
      }
    };
    const onCopy = (e: ClipboardEvent): void => {
      if (typing(e.target)) return;
      const content = copySelection(docRef.current);
      if (content === undefined) return;
      e.clipboardData?.setData("text/plain", JSON.stringify(content, null, 2));
      e.preventDefault();
      if (e.type === "cut") deleteSelection();
    };
    const onPaste = (e: ClipboardEvent): void => {
      if (typing(e.target)) return;
      const text = e.clipboardData?.getData("text/plain") ?? "";
      const content = readClipboard(text);
      if (content === undefined) return;
      e.preventDefault();
      store.update((d) => pasteInto(d, content, { x: 40, y: 40 }), "push");
    };
    window.addEventListener("keydown", onKey);
    document.addEventListener("copy", onCopy);
    document.addEventListener("cut", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("cut", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, [autoLayout, deleteSelection, doRun, flow, saveNow, store]);

  // ------------------------------------------------------------------ render
  const hasInput = doc.nodes.some((n) => n.data.node.kind === "input");
  const inputSchema = doc.nodes.find((n) => n.data.node.kind === "input")?.data.node.config.schema;
  const errors = validation.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = validation.diagnostics.length - errors;
  const selectedDiagnostics = useMemo(() => (selectedId === undefined ? [] : validation.diagnostics.filter((d) => d.nodeId === selectedId)), [selectedId, validation.diagnostics]);
  const selectedSpan = selected !== undefined ? runView?.trace.find((s) => s.nodeId === selected.id) : undefined;
  // Flagged edges drawn with their diagnostic; node ports only change with edits that re-validate.
  const shownEdges = useMemo(() => edgesWithDiagnostics(doc.edges, docRef.current.nodes, validation.diagnostics), [doc.edges, validation.diagnostics]);
  const minimapColor = useCallback((n: FlowNode) => CATEGORY_COLOR[recordOf(n.data.node.kind)?.component.category ?? ""] ?? "#94a3b8", []);

  return (
    <OverlayContext.Provider value={overlay}>
      <div className="editor">
        <header className="topbar">
          <button type="button" className="ghost" onClick={() => { navigate({ page: "tools" }); }} aria-label="Back to tools">← Tools</button>
          <div className="tool-title">
            <span className="tool-name" data-testid="tool-name">{doc.tool.name}</span>
            <SaveIndicator save={save} onRetry={() => void saveNow()} />
          </div>
          <div className="toolbar" role="toolbar" aria-label="Editor actions">
            <button type="button" className="ghost" onClick={() => { store.undo(); }} disabled={!store.canUndo} title="Undo (Ctrl+Z)" aria-label="Undo">↶</button>
            <button type="button" className="ghost" onClick={() => { store.redo(); }} disabled={!store.canRedo} title="Redo (Ctrl+Shift+Z)" aria-label="Redo">↷</button>
            <span className="sep" />
            <button type="button" className="ghost" onClick={() => void autoLayout()} title="Auto-layout (Shift+L)">Layout</button>
            <button type="button" className="ghost" onClick={() => fileInput.current?.click()} title="Import a graph JSON file">Import</button>
            <button type="button" className="ghost" onClick={exportGraph} title="Export the graph as JSON">Export</button>
            <button type="button" className="ghost" onClick={() => { setHelp(true); }} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">?</button>
            <span className="sep" />
            <button type="button" onClick={() => void doCompile()} title="Compile and verify">Compile</button>
            <button type="button" onClick={() => void doRun()} title="Run the draft (Ctrl+Enter)">Run</button>
            <button type="button" className="primary" onClick={() => void doPublish()} title="Publish a new version">Publish</button>
          </div>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            hidden
            data-testid="import-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file !== undefined) void file.text().then(importText);
            }}
          />
        </header>
        <div className="workspace">
          <Palette onAdd={addNode} hasInput={hasInput} />
          <div className="center-pane">
            <div className="canvas" ref={wrapper} onDragOver={(e) => { if (e.dataTransfer.types.includes(DRAG_MIME)) { e.preventDefault(); e.dataTransfer.dropEffect = "move"; } }} onDrop={onDrop}>
              <ReactFlow<FlowNode, FlowEdge>
                nodes={doc.nodes}
                edges={shownEdges}
                nodeTypes={nodeTypes}
                onNodesChange={onNodesChange}
                onEdgesChange={onEdgesChange}
                onConnect={onConnect}
                isValidConnection={isValidConnection}
                onBeforeDelete={onBeforeDelete}
                onNodeDragStart={() => { store.checkpoint(); }}
                onSelectionDragStart={() => { store.checkpoint(); }}
                onDoubleClick={onCanvasDoubleClick}
                zoomOnDoubleClick={false}
                deleteKeyCode={DELETE_KEYS}
                multiSelectionKeyCode={MULTI_SELECT_KEYS}
                selectionKeyCode="Shift"
                fitView
                fitViewOptions={FIT_VIEW}
                minZoom={0.02}
                defaultEdgeOptions={EDGE_OPTIONS}
                proOptions={PRO_OPTIONS}
              >
                <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} color="#cbd5e1" />
                <Controls showInteractive={false} />
                <MiniMap pannable zoomable nodeColor={minimapColor} nodeStrokeWidth={2} />
              </ReactFlow>
              {doc.nodes.length === 0 && <div className="canvas-empty">Drag a node from the palette, or double-click the canvas to add one.</div>}
              {quickAdd !== undefined && (
                <QuickAdd
                  at={quickAdd.screen}
                  hasInput={hasInput}
                  onClose={() => { setQuickAdd(undefined); }}
                  onPick={(kind) => {
                    addNode(kind, { x: quickAdd.flow.x - 100, y: quickAdd.flow.y - 30 });
                    setQuickAdd(undefined);
                  }}
                />
              )}
              {runView !== undefined && (
                <div className="run-banner">
                  Showing run statuses
                  <button type="button" className="link" onClick={clearRun}>Clear</button>
                </div>
              )}
            </div>
            <section className={`bottom-panel${panelOpen ? "" : " collapsed"}`} aria-label="Panels">
              <div className="tabs" role="tablist">
                <button type="button" role="tab" aria-selected={tab === "problems"} className={tab === "problems" ? "active" : ""} onClick={() => { setTab("problems"); setPanelOpen(true); }}>
                  Problems {errors > 0 && <span className="badge badge-error">{errors}</span>} {warnings > 0 && <span className="badge badge-warning">{warnings}</span>}
                </button>
                <button type="button" role="tab" aria-selected={tab === "compile"} className={tab === "compile" ? "active" : ""} onClick={() => { setTab("compile"); setPanelOpen(true); }}>Code</button>
                <button type="button" role="tab" aria-selected={tab === "run"} className={tab === "run" ? "active" : ""} onClick={() => { setTab("run"); setPanelOpen(true); }}>Run</button>
                <button type="button" role="tab" aria-selected={tab === "versions"} className={tab === "versions" ? "active" : ""} onClick={() => { setTab("versions"); setPanelOpen(true); }}>Versions</button>
                <span className="tabs-spacer" />
                <span className="muted small" data-testid="validation-time" data-ms={validation.ms.toFixed(3)} data-count={validationCount}>validated in {formatMs(validation.ms)}</span>
                <button type="button" className="ghost small-button" onClick={() => { setPanelOpen((o) => !o); }} aria-label={panelOpen ? "Collapse panel" : "Expand panel"}>{panelOpen ? "▾" : "▴"}</button>
              </div>
              {panelOpen && (
                <div className="tab-body">
                  {tab === "problems" && <ProblemsPanel diagnostics={validation.diagnostics} ms={validation.ms} onPick={pickDiagnostic} />}
                  {tab === "compile" && <CompilePanel compile={compile} onCompile={() => void doCompile()} onPickDiagnostic={pickDiagnostic} />}
                  {tab === "run" && <RunPanel schema={inputSchema} input={runInput} onInput={setRunInput} run={run} onRun={() => void doRun()} onCancel={cancelRun} recent={recentRuns} onOpenRun={(id) => void openRun(id)} onPickNode={(id) => { selectNode(id, true); setRightTab("run"); }} />}
                  {tab === "versions" && <VersionsPanel toolName={doc.tool.name} inputSchema={inputSchema} versions={versions} publish={publish} onPublish={() => void doPublish()} onDownload={(v) => void download(v)} onPickDiagnostic={pickDiagnostic} />}
                </div>
              )}
            </section>
          </div>
          <aside className="inspector-pane" aria-label="Inspector">
            {selected !== undefined && runView !== undefined && (
              <div className="segmented right-tabs">
                <button type="button" className={rightTab === "settings" ? "active" : ""} onClick={() => { setRightTab("settings"); }}>Settings</button>
                <button type="button" className={rightTab === "run" ? "active" : ""} onClick={() => { setRightTab("run"); }}>Run details</button>
              </div>
            )}
            {selected !== undefined && runView !== undefined && rightTab === "run" ? (
              <SpanDetails nodeId={selected.id} span={selectedSpan} />
            ) : selected !== undefined ? (
              <Inspector key={selected.id} node={selectedData ?? selected.data.node} scope={validation.scope} diagnostics={selectedDiagnostics} toolNames={toolNames} secretNames={secretNames} onChange={patchSelected} onRename={renameSelected} onDelete={deleteSelection} />
            ) : selectedNodes.length > 1 ? (
              <div className="inspector-empty">
                <p><strong>{selectedNodes.length} nodes selected.</strong></p>
                <p className="muted small">Drag to move them together; Ctrl+C / Ctrl+D to copy or duplicate; Delete to remove them.</p>
              </div>
            ) : (
              <ToolSettings tool={doc.tool} onChange={setToolMeta} nodes={doc.nodes.length} errors={errors} />
            )}
          </aside>
        </div>
        {help && <ShortcutsHelp onClose={() => { setHelp(false); }} />}
        {importProblems !== undefined && (
          <Dialog title="This file cannot be imported" onClose={() => { setImportProblems(undefined); }} wide>
            <p>The graph was not changed. The file is not a valid <code>toolwright.graph/v1</code> document:</p>
            <ul className="compile-diagnostics" data-testid="import-problems">
              {importProblems.map((d, i) => (
                <li key={i} className="problem problem-error"><code className="problem-code">{d.code}</code> <span className="problem-message">{d.message}</span></li>
              ))}
            </ul>
          </Dialog>
        )}
      </div>
    </OverlayContext.Provider>
  );
}

function SaveIndicator({ save, onRetry }: { readonly save: SaveState; readonly onRetry: () => void }): ReactNode {
  switch (save.state) {
    case "saved":
      return <span className="save-state save-ok" data-testid="save-state">Saved</span>;
    case "saving":
      return <span className="save-state" data-testid="save-state">Saving…</span>;
    case "unsaved":
      return <span className="save-state save-dirty" data-testid="save-state">Unsaved changes</span>;
    case "error":
      return (
        <span className="save-state save-error" data-testid="save-state" title={save.message}>
          Not saved: {save.message} <button type="button" className="link" onClick={onRetry}>Retry</button>
        </span>
      );
  }
}

function ToolSettings({ tool, onChange, nodes, errors }: { readonly tool: Doc["tool"]; readonly onChange: (meta: Partial<Doc["tool"]>, key: string) => void; readonly nodes: number; readonly errors: number }): ReactNode {
  return (
    <div className="inspector">
      <div className="inspector-kind">Tool</div>
      <p className="muted small">{nodes} nodes · {errors === 0 ? "no errors" : `${String(errors)} errors`}. Select a node to edit it.</p>
      <label className="field">
        <span className="field-label">Name</span>
        <input type="text" aria-label="Tool name" value={tool.name} spellCheck={false} onChange={(e) => { onChange({ name: e.target.value }, "name"); }} />
        <span className="field-help">Agents call the tool by this name.</span>
      </label>
      <label className="field">
        <span className="field-label">Description</span>
        <textarea rows={5} aria-label="Tool description" value={tool.description} onChange={(e) => { onChange({ description: e.target.value }, "description"); }} />
        <span className="field-help">Agents read it (MCP, OpenAI functions) to decide when to call the tool.</span>
      </label>
    </div>
  );
}

function SpanDetails({ nodeId, span }: { readonly nodeId: string; readonly span: TraceSpan | undefined }): ReactNode {
  if (span === undefined) return <div className="inspector-empty"><p><code>{nodeId}</code> has no span in this run.</p></div>;
  return (
    <div className="inspector span-details" data-testid="span-details">
      <div className="inspector-kind">{nodeId}</div>
      <div className="span-meta">
        <span className={`pill pill-${span.status}`}>{span.status}</span>
        <span className="muted small">{formatMs(span.durationMs)}</span>
        <span className="muted small">{span.attempts} attempt{span.attempts === 1 ? "" : "s"}</span>
      </div>
      {span.error !== undefined && (
        <div className="notice notice-error"><code>{span.error.code}</code> {span.error.message}</div>
      )}
      <div className="panel-subtitle">Input</div>
      <pre className="json-view">{prettyJson(span.input)}</pre>
      <div className="panel-subtitle">Output</div>
      <pre className="json-view" data-testid="span-output">{prettyJson(span.output)}</pre>
    </div>
  );
}

/** Applies an inspector patch; a key patched to undefined is removed (retry, timeoutMs, onError, label). */
function applyPatch(node: FlowNode["data"]["node"], patch: NodePatch): FlowNode["data"]["node"] {
  const merged = { ...node, ...patch };
  return {
    id: merged.id,
    kind: merged.kind,
    config: merged.config,
    ...(merged.label !== undefined ? { label: merged.label } : {}),
    ...(merged.retry !== undefined ? { retry: merged.retry } : {}),
    ...(merged.timeoutMs !== undefined ? { timeoutMs: merged.timeoutMs } : {}),
    ...(merged.onError !== undefined ? { onError: merged.onError } : {}),
  };
}

/** Changes only when something validation reads changed (not positions, selection or sizes). */
function useSemanticKey(doc: Doc): number {
  const last = useRef<{ datas: readonly unknown[]; edges: string; tool: Doc["tool"]; key: number }>({ datas: [], edges: "", tool: doc.tool, key: 0 });
  const datas = doc.nodes.map((n) => n.data);
  const edges = doc.edges.map((e) => `${e.id}|${e.source}|${e.sourceHandle ?? ""}|${e.target}|${e.targetHandle ?? ""}`).join("\n");
  const prev = last.current;
  const same = prev.tool === doc.tool && prev.edges === edges && prev.datas.length === datas.length && prev.datas.every((d, i) => d === datas[i]);
  if (!same) last.current = { datas, edges, tool: doc.tool, key: prev.key + 1 };
  return last.current.key;
}
