import { useState, type ReactNode } from "react";
import { errorMessage } from "./format";

/** A confirmed destructive action's button: disabled while the action runs; a failure's message (the server's, verbatim) goes to `onError`. */
export function DangerButton({ label, busyLabel, action, onError }: { readonly label: string; readonly busyLabel: string; readonly action: () => Promise<void>; readonly onError: (message: string) => void }): ReactNode {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="primary danger-fill"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        action().catch((error: unknown) => {
          onError(errorMessage(error));
          setBusy(false);
        });
      }}
    >
      {busy ? busyLabel : label}
    </button>
  );
}
