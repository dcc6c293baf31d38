import { useCallback, useRef, useState, type ReactNode, type RefObject, type SyntheticEvent } from "react";
import type { ApiClient, SecretSummary } from "../api/client";
import { DangerButton } from "../ui/DangerButton";
import { Dialog } from "../ui/Dialog";
import { errorMessage, relativeTime } from "../ui/format";
import { useToast } from "../ui/toast";
import { useLoaded } from "../ui/use-loaded";

/** What an http node's `auth.secret` may name (component-records/http.yaml). */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The server's secrets: names and dates only. A value is typed into a password field, sent
 * once and never shown again — the server has no route that returns one.
 */
export function SecretsDialog({ client, onClose }: { readonly client: ApiClient; readonly onClose: () => void }): ReactNode {
  const [deleting, setDeleting] = useState<string | undefined>();
  const [name, setName] = useState("");
  const valueInput = useRef<HTMLInputElement>(null);

  const [load, refresh] = useLoaded(useCallback((): Promise<readonly SecretSummary[]> => client.listSecrets(), [client]));

  return (
    <Dialog title="Secrets" onClose={onClose} wide>
      <p className="muted small">An http node's auth names a secret; its value is read on the server at run time and never reaches graphs, generated code, downloads or traces.</p>
      {load.state === "loading" && <p className="muted">Loading secrets…</p>}
      {load.state === "error" && (
        <div className="notice notice-error" role="alert">
          Could not load the secrets: {load.message} <button type="button" className="link" onClick={() => void refresh()}>Try again</button>
        </div>
      )}
      {load.state === "ready" && load.value.length === 0 && <p className="muted" data-testid="secrets-empty">No secrets yet. Add one below.</p>}
      {load.state === "ready" && load.value.length > 0 && (
        <table className="versions-table" aria-label="Secrets">
          <tbody>
            {load.value.map((s) => (
              <tr key={s.name} data-secret={s.name}>
                <td><code>{s.name}</code></td>
                <td className="muted small">updated {relativeTime(s.updatedAt)}</td>
                <td className="row-actions">
                  {deleting === s.name ? (
                    <ConfirmSecretDelete client={client} name={s.name} onDone={() => { setDeleting(undefined); void refresh(); }} onCancel={() => { setDeleting(undefined); }} />
                  ) : (
                    <>
                      <button type="button" className="ghost" onClick={() => { setName(s.name); valueInput.current?.focus(); }}>Replace</button>
                      <button type="button" className="ghost danger" onClick={() => { setDeleting(s.name); }}>Delete</button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <SecretForm client={client} name={name} onName={setName} valueInput={valueInput} onSaved={() => void refresh()} />
    </Dialog>
  );
}

function SecretForm(props: { readonly client: ApiClient; readonly name: string; readonly onName: (name: string) => void; readonly valueInput: RefObject<HTMLInputElement | null>; readonly onSaved: () => void }): ReactNode {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const notify = useToast();
  const nameProblem = props.name !== "" && !SECRET_NAME.test(props.name) ? "Letters, digits and _, not starting with a digit." : undefined;

  const submit = async (e: SyntheticEvent): Promise<void> => {
    e.preventDefault();
    if (props.name === "" || nameProblem !== undefined || value === "") {
      setError(nameProblem ?? (props.name === "" ? "Give the secret a name." : "Type the secret's value."));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await props.client.setSecret(props.name, value);
      notify(`Saved secret ${props.name}`, "success");
      setValue("");
      props.onName("");
      props.onSaved();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form-stack secret-form" aria-label="Set a secret" onSubmit={(e) => void submit(e)}>
      <div className="panel-subtitle">Add or replace a secret</div>
      <label className="field">
        <span className="field-label">Secret name</span>
        <input value={props.name} onChange={(e) => { props.onName(e.target.value); }} placeholder="SHOP_TOKEN" spellCheck={false} autoComplete="off" />
        {nameProblem !== undefined && <span className="field-error">{nameProblem}</span>}
      </label>
      <label className="field">
        <span className="field-label">Value</span>
        <input ref={props.valueInput} type="password" value={value} onChange={(e) => { setValue(e.target.value); }} autoComplete="new-password" spellCheck={false} />
        <span className="field-help">Write-only: saving replaces any previous value, which cannot be read back.</span>
      </label>
      {error !== undefined && <p className="notice notice-error" role="alert">{error}</p>}
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={busy}>{busy ? "Saving…" : "Save secret"}</button>
      </div>
    </form>
  );
}

function ConfirmSecretDelete({ client, name, onDone, onCancel }: { readonly client: ApiClient; readonly name: string; readonly onDone: () => void; readonly onCancel: () => void }): ReactNode {
  const [error, setError] = useState<string | undefined>();
  const notify = useToast();
  return (
    <span className="confirm-inline" role="group" aria-label={`Delete secret ${name}?`}>
      <span className="small">Delete {name}? Tools that use it will fail.</span>
      <DangerButton
        label="Delete secret"
        busyLabel="Deleting…"
        action={async () => {
          await client.deleteSecret(name);
          notify(`Deleted secret ${name}`, "success");
          onDone();
        }}
        onError={setError}
      />
      <button type="button" className="ghost" onClick={onCancel}>Keep</button>
      {error !== undefined && <span className="field-error" role="alert">{error}</span>}
    </span>
  );
}
