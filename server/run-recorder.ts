/**
 * Writes run records with group commit: every run is written before its response is sent (so
 * an answered invocation is on disk, and a restart loses nothing), but runs finishing in the
 * same turn of the event loop, or while a write is in flight, are queued and written together
 * in one statement. Under load that is one INSERT per batch instead of one per run; alone, a
 * run waits for one write and one turn of the loop (SQLite's driver is synchronous, so without
 * that turn no write would ever be "in flight" and every run would be a statement of its own).
 */
import type { Database, NewRun } from "./db/index";

export interface RunRecorder {
  /** Resolves once the run is stored; rejects if it could not be. */
  record(run: NewRun): Promise<void>;
  /** Resolves when everything queued so far is written (or failed). */
  flush(): Promise<void>;
}

interface Pending {
  readonly run: NewRun;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const MAX_BATCH = 200;

export function createRunRecorder(db: Database, onError: (error: unknown, run: NewRun) => void): RunRecorder {
  let queue: Pending[] = [];
  let writing: Promise<void> | undefined;

  const writeBatch = async (batch: readonly Pending[]): Promise<void> => {
    try {
      await db.runs.createMany(batch.map((p) => p.run));
      for (const p of batch) p.resolve();
    } catch {
      // One bad row (say, its tool was deleted meanwhile) must not lose the others: retry singly.
      for (const p of batch) {
        try {
          await db.runs.create(p.run);
          p.resolve();
        } catch (error) {
          onError(error, p.run);
          p.reject(error);
        }
      }
    }
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(batch.length);
      await writeBatch(batch);
    }
  };

  const kick = (): void => {
    writing ??= new Promise((resolve) => setImmediate(resolve))
      .then(drain)
      .finally(() => {
        writing = undefined;
        if (queue.length > 0) kick();
      });
  };

  return {
    record(run) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ run, resolve, reject });
        kick();
      });
    },
    async flush() {
      while (writing !== undefined) await writing;
    },
  };
}
