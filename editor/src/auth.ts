/**
 * The admin key: from the server's sign-in link (`/#key=<key>`), or pasted on the sign-in
 * page; kept in local storage so a reload stays signed in.
 */
const STORAGE_KEY = "toolwright.adminKey";

export function readKey(): string | undefined {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function storeKey(key: string): void {
  localStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  localStorage.removeItem(STORAGE_KEY);
}

/** Takes `#key=…` off the address (so it is not bookmarked or shared) and keeps the key. */
export function consumeKeyFromHash(): void {
  const match = /^#key=([^&]+)/.exec(window.location.hash);
  if (match?.[1] === undefined) return;
  storeKey(decodeURIComponent(match[1]).trim());
  window.history.replaceState(null, "", `${window.location.pathname}${window.location.search}#/`);
}
