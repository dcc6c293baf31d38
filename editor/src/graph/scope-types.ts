/** The compiler types reference autocomplete works with (kept apart so it stays testable without records). */
export { describeType, type Guards, type TypeSchema, type ValueType } from "../compiler";

/** The BDD constant "never runs" (compiler/validate/bdd.ts FALSE). */
export const FALSE_GUARD = 0;
