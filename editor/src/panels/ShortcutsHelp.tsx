import type { ReactNode } from "react";
import { Dialog } from "../ui/Dialog";

export const SHORTCUTS: readonly (readonly [string, string])[] = [
  ["Ctrl+Z", "Undo"],
  ["Ctrl+Shift+Z / Ctrl+Y", "Redo"],
  ["Ctrl+C / Ctrl+X / Ctrl+V", "Copy, cut, paste nodes"],
  ["Ctrl+D", "Duplicate selected nodes"],
  ["Ctrl+A", "Select all nodes"],
  ["Delete / Backspace", "Delete selection (with its edges)"],
  ["Ctrl+S", "Save now"],
  ["Ctrl+Enter", "Run the draft"],
  ["Ctrl+K / double-click canvas", "Search and add a node"],
  ["Shift+L", "Auto-layout"],
  ["Shift+F", "Fit view"],
  ["Shift+drag", "Select an area"],
  ["?", "This help"],
];

export function ShortcutsHelp({ onClose }: { readonly onClose: () => void }): ReactNode {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <td>{keys.split(" / ").map((k, i) => <span key={k}>{i > 0 && " / "}{k.split("+").map((part, j) => <span key={part}>{j > 0 && "+"}<kbd>{part}</kbd></span>)}</span>)}</td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">On macOS, Cmd works wherever Ctrl is listed.</p>
    </Dialog>
  );
}
