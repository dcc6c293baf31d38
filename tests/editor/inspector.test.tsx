// @vitest-environment jsdom
/**
 * The inspector form is generated from each record's config_schema: every field spec type
 * gets its editor, labels and required marks come from the record, and edits come back as
 * config patches.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { GraphNode, JsonValue } from "../../editor/src/compiler";
import { configDefaults } from "../../editor/src/graph/model";
import { EMPTY_VALIDATION } from "../../editor/src/graph/validation";
import { Inspector, type NodePatch } from "../../editor/src/inspector/Inspector";
import { allRecords, recordOf, registry } from "../../editor/src/records";
import { byLabel, click, mount, select, type, type Mounted } from "./dom";

type EditorNode = Omit<GraphNode, "position">;

let mounted: Mounted | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

function render(node: EditorNode): { patches: NodePatch[]; container: HTMLElement } {
  const patches: NodePatch[] = [];
  mounted = mount(<Inspector node={node} scope={EMPTY_VALIDATION.scope} diagnostics={[]} toolNames={["lookup_order"]} secretNames={["SHOP_TOKEN"]} onChange={(patch) => patches.push(patch)} onRename={() => undefined} onDelete={() => undefined} />);
  return { patches, container: mounted.container };
}

function fresh(kind: string): EditorNode {
  const record = recordOf(kind);
  if (record === undefined) throw new Error(kind);
  return { id: kind, kind, config: configDefaults(record.config_schema.fields) };
}

function lastConfig(patches: readonly NodePatch[]): Readonly<Record<string, JsonValue>> {
  const config = patches.at(-1)?.config;
  if (config === undefined) throw new Error("no config patch");
  return config;
}

describe("inspector form generation", () => {
  it("renders a form for every record, with each field's label from the record", () => {
    for (const record of allRecords()) {
      const { container } = render(fresh(record.component.kind));
      expect(container.querySelector(".inspector-kind")?.textContent).toBe(record.component.name);
      for (const [name, spec] of Object.entries(record.config_schema.fields)) {
        const field = container.querySelector(`[data-field="config.${name}"]`);
        expect(field, `${record.component.kind}.${name}`).not.toBeNull();
        expect(field?.querySelector(".field-label")?.textContent).toContain(spec.label ?? name);
        expect(field?.querySelector(".required") !== null).toBe(spec.required === true);
      }
      mounted?.unmount();
      mounted = undefined;
    }
  });

  it("new nodes start from the record's defaults, and the defaults validate where the record allows", () => {
    expect(fresh("http").config).toEqual({ method: "GET", url: "", response: { type: "json" } });
    expect(fresh("delay").config).toEqual({ ms: 1000 });
    expect(fresh("llm").config).toMatchObject({ model: "gpt-4o-mini", output: { type: "text" } });
    for (const kind of ["delay", "llm", "http"]) expect(registry.get(kind)?.config.safeParse(fresh(kind).config).success, kind).toBe(true);
  });

  it("enum fields are selects with the record's values; template fields edit text", () => {
    const { container, patches } = render({ id: "order", kind: "http", config: { method: "GET", url: "https://shop.example/orders", response: { type: "json" } } });
    const method = byLabel(container, "Method", HTMLSelectElement);
    expect([...method.options].map((o) => o.value)).toEqual(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]);
    select(method, "POST");
    expect(lastConfig(patches).method).toBe("POST");
    const url = byLabel(container, "URL", HTMLInputElement);
    type(url, "https://shop.example/orders/{{input.orderId}}");
    expect(lastConfig(patches).url).toBe("https://shop.example/orders/{{input.orderId}}");
  });

  it("variants switch the discriminator and show that variant's fields", () => {
    const { container, patches } = render({ id: "ask", kind: "llm", config: { model: "m", prompt: "hi", output: { type: "text" } } });
    const output = container.querySelector('[data-field="config.output"]');
    const radios = [...(output?.querySelectorAll('[role="radio"]') ?? [])].map((r) => r.textContent);
    expect(radios).toEqual(["text", "json"]);
    const json = output?.querySelectorAll('[role="radio"]')[1];
    if (json === undefined) throw new Error("no json variant");
    click(json);
    // json requires a schema: it is started for the builder.
    expect(lastConfig(patches).output).toEqual({ type: "json", schema: { type: "string" } });
  });

  it("lists of objects (conditions) add items with the item's defaults and edit nested fields", () => {
    const node: EditorNode = { id: "big", kind: "conditional", config: { combineWith: "AND", conditions: [{ left: "{{order.body.amount}}", operator: "greater_than", right: 100 }] } };
    const { container, patches } = render(node);
    const operators = container.querySelector<HTMLSelectElement>('[data-field-path="config.conditions.0.operator"]');
    expect(operators?.value).toBe("greater_than");
    expect([...(operators?.options ?? [])].map((o) => o.value)).toContain("matches");
    // The right operand is a JSON literal (100): the value editor shows it in JSON mode.
    expect(container.querySelector<HTMLInputElement>('[data-field-path="config.conditions.0.right"]')?.value).toBe("100");
    const add = [...container.querySelectorAll("button")].find((b) => b.textContent === "+ Add condition");
    if (add === undefined) throw new Error("no add button");
    click(add);
    const conditions = lastConfig(patches).conditions;
    expect(Array.isArray(conditions) ? conditions.length : 0).toBe(2);
    expect(Array.isArray(conditions) ? conditions[1] : undefined).toEqual({ left: "", operator: "equals" });
  });

  it("maps (output values) add, rename and remove entries", () => {
    const { container, patches } = render({ id: "done", kind: "output", config: { values: { action: "reply" } } });
    const add = [...container.querySelectorAll("button")].find((b) => b.textContent === "+ Add output field");
    if (add === undefined) throw new Error("no add button");
    click(add);
    expect(lastConfig(patches).values).toEqual({ action: "reply", field2: "" });
    const remove = byLabel(container, "Remove action", HTMLButtonElement);
    click(remove);
    expect(lastConfig(patches).values).toEqual({});
  });

  it("the input node edits its schema: fields, types, required and descriptions", () => {
    const { container, patches } = render({ id: "input", kind: "input", config: { schema: { type: "object", properties: { orderId: { type: "string" } }, required: ["orderId"] } } });
    expect(byLabel(container, "Field name", HTMLInputElement).value).toBe("orderId");
    expect(byLabel(container, "orderId required", HTMLInputElement).checked).toBe(true);
    const add = [...container.querySelectorAll("button")].find((b) => b.textContent === "+ Add field");
    if (add === undefined) throw new Error("no add field");
    click(add);
    expect(lastConfig(patches).schema).toEqual({ type: "object", properties: { orderId: { type: "string" }, field2: { type: "string" } }, required: ["orderId", "field2"] });
    const typeSelect = container.querySelector<HTMLSelectElement>('[data-schema-field="orderId"] select');
    if (typeSelect === null) throw new Error("no type select");
    select(typeSelect, "integer");
    expect(lastConfig(patches).schema).toMatchObject({ properties: { orderId: { type: "integer" } } });
    type(byLabel(container, "orderId description", HTMLInputElement), "The order to look at");
    expect(lastConfig(patches).schema).toMatchObject({ properties: { orderId: { type: "string", description: "The order to look at" } } });
  });

  it("optional objects (http auth) and optional schemas start collapsed behind an add button", () => {
    const { container, patches } = render({ id: "order", kind: "http", config: { method: "GET", url: "https://x.example", response: { type: "json" } } });
    const addAuth = [...container.querySelectorAll("button")].find((b) => b.textContent === "+ Add authentication");
    if (addAuth === undefined) throw new Error("no auth button");
    click(addAuth);
    expect(lastConfig(patches).auth).toEqual({ type: "bearer", secret: "" });
    const declare = [...container.querySelectorAll("button")].find((b) => b.textContent === "+ Declare a schema");
    if (declare === undefined) throw new Error("no declare button");
    click(declare);
    expect(lastConfig(patches).response).toEqual({ type: "json", schema: { type: "object", properties: {}, required: [] } });
  });

  it("node policies: retry, timeout and on-error edit the node, not its config", () => {
    const { container, patches } = render({ id: "order", kind: "http", config: { method: "GET", url: "https://x.example", response: { type: "text" } } });
    click(byLabel(container, "Retry", HTMLElement));
    expect(patches.at(-1)).toEqual({ retry: { maxAttempts: 3, backoff: "exponential", initialDelayMs: 200 } });
    type(byLabel(container, "Timeout", HTMLInputElement), "5000");
    expect(patches.at(-1)).toEqual({ timeoutMs: 5000 });
    select(byLabel(container, "On error", HTMLSelectElement), "continue");
    expect(patches.at(-1)).toEqual({ onError: { action: "continue", fallback: {} } });
  });

  it("tool_name fields offer the published tools", () => {
    const { container } = render(fresh("call_tool"));
    const options = [...container.querySelectorAll("datalist option")].map((o) => o.getAttribute("value"));
    expect(options).toEqual(["lookup_order"]);
  });
});
