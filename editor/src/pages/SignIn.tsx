import { useState, type SyntheticEvent, type ReactNode } from "react";
import { ApiClient, ApiError } from "../api/client";

/** Sign-in: paste the admin key the server printed (or open its sign-in link). */
export function SignIn({ message, onSignIn }: { readonly message: string | undefined; readonly onSignIn: (key: string) => void }): ReactNode {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [checking, setChecking] = useState(false);

  const submit = async (e: SyntheticEvent): Promise<void> => {
    e.preventDefault();
    const trimmed = key.trim();
    if (trimmed === "") {
      setError("Paste the admin key first.");
      return;
    }
    setChecking(true);
    setError(undefined);
    try {
      await new ApiClient({ key: trimmed }).verify();
      onSignIn(trimmed);
    } catch (err) {
      setError(err instanceof ApiError && err.isAuth ? `That key was refused: ${err.message}` : err instanceof Error ? err.message : String(err));
    } finally {
      setChecking(false);
    }
  };

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)}>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">T</span>
          <span>Toolwright</span>
        </div>
        <h1>Sign in</h1>
        <p className="muted">
          Open the sign-in link the server printed when it started (<code>http://localhost:3000/#key=…</code>), or paste an admin key. Create one with{" "}
          <code>npx toolwright keys create --scope admin --name me</code>.
        </p>
        {message !== undefined && <p className="notice notice-warning" role="alert">{message}</p>}
        <label className="field">
          <span className="field-label">Admin key</span>
          <input name="key" type="password" autoComplete="off" spellCheck={false} value={key} onChange={(e) => { setKey(e.target.value); }} placeholder="tw_…" autoFocus />
        </label>
        {error !== undefined && <p className="field-error" role="alert">{error}</p>}
        <button type="submit" className="primary wide" disabled={checking}>
          {checking ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
