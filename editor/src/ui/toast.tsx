import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

export type ToastKind = "info" | "success" | "error";
interface Toast {
  readonly id: number;
  readonly kind: ToastKind;
  readonly message: string;
}

const ToastContext = createContext<(message: string, kind?: ToastKind) => void>(() => undefined);

export function useToast(): (message: string, kind?: ToastKind) => void {
  return useContext(ToastContext);
}

let nextId = 1;

export function ToastProvider({ children }: { readonly children: ReactNode }): ReactNode {
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const notify = useCallback((message: string, kind: ToastKind = "info") => {
    const id = nextId++;
    setToasts((list) => [...list.slice(-3), { id, kind, message }]);
    window.setTimeout(() => { setToasts((list) => list.filter((t) => t.id !== id)); }, kind === "error" ? 9000 : 4000);
  }, []);
  const value = useMemo(() => notify, [notify]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`}>
            <span>{t.message}</span>
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => { setToasts((list) => list.filter((x) => x.id !== t.id)); }}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
