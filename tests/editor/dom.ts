/**
 * jsdom helpers for component tests: React 19 `act`, a root per test, and the browser APIs
 * jsdom lacks that React Flow needs (ResizeObserver, DOMMatrixReadOnly).
 */
import { act, type ReactNode } from "react";
import { createRoot, type Root } from "react-dom/client";

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}
globalThis.IS_REACT_ACT_ENVIRONMENT = true;

class ResizeObserverStub {
  observe(): void {
    // jsdom does no layout: nothing ever resizes.
  }
  unobserve(): void {
    // nothing observed
  }
  disconnect(): void {
    // nothing observed
  }
}

class DOMMatrixReadOnlyStub {
  readonly m22: number;
  constructor(transform?: string) {
    const scale = /scale\(([\d.]+)\)/.exec(transform ?? "")?.[1];
    this.m22 = scale === undefined ? 1 : Number(scale);
  }
}

if (!("ResizeObserver" in globalThis)) Object.defineProperty(globalThis, "ResizeObserver", { value: ResizeObserverStub, configurable: true });
if (!("DOMMatrixReadOnly" in globalThis)) Object.defineProperty(globalThis, "DOMMatrixReadOnly", { value: DOMMatrixReadOnlyStub, configurable: true });

export interface Mounted {
  readonly container: HTMLElement;
  rerender(node: ReactNode): void;
  unmount(): void;
}

export function mount(node: ReactNode): Mounted {
  const container = document.createElement("div");
  document.body.append(container);
  let root: Root | undefined;
  act(() => {
    root = createRoot(container);
    root.render(node);
  });
  return {
    container,
    rerender(next) {
      act(() => root?.render(next));
    },
    unmount() {
      act(() => root?.unmount());
      container.remove();
    },
  };
}

/** Sets an input's value the way React sees typing (through the native setter), then fires input. */
export function type(element: HTMLInputElement | HTMLTextAreaElement, value: string, caret = value.length): void {
  const proto = element instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  act(() => {
    // React tracks the value it last set; the prototype's setter bypasses that, as typing does.
    Reflect.set(proto, "value", value, element);
    // Number inputs have no selection.
    if (element instanceof HTMLTextAreaElement || ["text", "search", "url", "password", ""].includes(element.type)) element.setSelectionRange(caret, caret);
    element.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

export function key(element: Element, keyName: string): void {
  act(() => {
    element.dispatchEvent(new KeyboardEvent("keydown", { key: keyName, bubbles: true, cancelable: true }));
  });
}

export function click(element: Element): void {
  act(() => {
    element.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
  });
}

export function mouseDown(element: Element): void {
  act(() => {
    element.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, cancelable: true }));
  });
}

export function select(element: HTMLSelectElement, value: string): void {
  act(() => {
    element.value = value;
    element.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

export function byLabel<T extends Element>(root: ParentNode, label: string, kind: abstract new () => T): T {
  const found = root.querySelector(`[aria-label="${label.replace(/"/g, '\\"')}"]`);
  if (!(found instanceof kind)) throw new Error(`no ${kind.name} labelled ${label}`);
  return found;
}
