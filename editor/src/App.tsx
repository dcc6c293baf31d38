import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { ApiClient, type ApiError } from "./api/client";
import { consumeKeyFromHash, forgetKey, readKey, storeKey } from "./auth";
import { EditorPage } from "./pages/EditorPage";
import { SignIn } from "./pages/SignIn";
import { ToolsList } from "./pages/ToolsList";
import { useRoute } from "./route";
import { ToastProvider } from "./ui/toast";

export function App(): ReactNode {
  const [key, setKey] = useState<string | undefined>(() => readKey());
  const [message, setMessage] = useState<string | undefined>();
  const route = useRoute();

  // A sign-in link opened in a tab that already runs the editor changes only the hash.
  useEffect(() => {
    const onHash = (): void => {
      if (!window.location.hash.startsWith("#key=")) return;
      consumeKeyFromHash();
      setMessage(undefined);
      setKey(readKey());
    };
    window.addEventListener("hashchange", onHash);
    return () => {
      window.removeEventListener("hashchange", onHash);
    };
  }, []);

  const onAuthError = useCallback((error: ApiError) => {
    forgetKey();
    setKey(undefined);
    setMessage(error.status === 403 ? `This key cannot use the editor: ${error.message} Sign in with an admin key.` : `The server refused your key: ${error.message} Sign in again.`);
  }, []);

  const client = useMemo(() => (key === undefined ? undefined : new ApiClient({ key, onAuthError })), [key, onAuthError]);

  const signIn = useCallback((newKey: string) => {
    storeKey(newKey);
    setMessage(undefined);
    setKey(newKey);
  }, []);

  const signOut = useCallback(() => {
    forgetKey();
    setKey(undefined);
    setMessage("You signed out.");
  }, []);

  return (
    <ToastProvider>
      {client === undefined ? (
        <SignIn message={message} onSignIn={signIn} />
      ) : route.page === "editor" ? (
        <EditorPage key={route.toolId} client={client} toolId={route.toolId} />
      ) : (
        <ToolsList client={client} onSignOut={signOut} />
      )}
    </ToastProvider>
  );
}
