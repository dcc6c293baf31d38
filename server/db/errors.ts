/** Errors the repository API throws on purpose; anything else is a bug or an outage. */
export type DatabaseErrorCode =
  /** A tool with that name exists (HTTP 409). */
  | "name_taken"
  /** The row to update or attach to does not exist (HTTP 404). */
  | "not_found"
  /** A value cannot be stored as JSON (undefined, a function, a cycle, a BigInt). */
  | "invalid_json"
  /** A value is outside the allowed set (run status, key scope), or a number is out of range. */
  | "invalid_value"
  /** A migration could not be applied, or the database records a failed one. */
  | "migration_failed"
  /** The database URL or location is not usable. */
  | "unsupported_database";

export class DatabaseError extends Error {
  override readonly name = "DatabaseError";
  readonly code: DatabaseErrorCode;

  constructor(code: DatabaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isDatabaseError(error: unknown, code?: DatabaseErrorCode): error is DatabaseError {
  return error instanceof DatabaseError && (code === undefined || error.code === code);
}
