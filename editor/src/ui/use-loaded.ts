import { useCallback, useEffect, useState } from "react";
import { errorMessage } from "./format";

/** Something loaded from the server: still loading, loaded, or the server's error message verbatim. */
export type Loaded<T> = { readonly state: "loading" } | { readonly state: "error"; readonly message: string } | { readonly state: "ready"; readonly value: T };

/** Runs `load` on mount and whenever `refresh` is called; `load` must be stable (useCallback). */
export function useLoaded<T>(load: () => Promise<T>): readonly [Loaded<T>, () => Promise<void>] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  const refresh = useCallback(async () => {
    try {
      setLoaded({ state: "ready", value: await load() });
    } catch (error) {
      setLoaded({ state: "error", message: errorMessage(error) });
    }
  }, [load]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return [loaded, refresh];
}
