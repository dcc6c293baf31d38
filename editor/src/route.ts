import { useEffect, useState } from "react";

/** Hash routes: `#/` the tools list, `#/tools/<id>` the editor. (`/tools/…` paths belong to the invoke API.) */
export type Route = { readonly page: "tools" } | { readonly page: "editor"; readonly toolId: string };

export function parseRoute(hash: string): Route {
  const match = /^#\/tools\/([^/?]+)/.exec(hash);
  return match?.[1] !== undefined ? { page: "editor", toolId: decodeURIComponent(match[1]) } : { page: "tools" };
}

export function navigate(route: Route): void {
  window.location.hash = route.page === "editor" ? `#/tools/${encodeURIComponent(route.toolId)}` : "#/";
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = (): void => { setRoute(parseRoute(window.location.hash)); };
    window.addEventListener("hashchange", onChange);
    return () => { window.removeEventListener("hashchange", onChange); };
  }, []);
  return route;
}
