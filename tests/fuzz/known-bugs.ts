/**
 * Compiler bugs the fuzz tests found and that are still open. Each flag keeps the
 * generators away from the input that triggers it, so the suite stays green and keeps
 * hunting for new bugs. When a bug is fixed, set its flag to `true`: the generators then
 * exercise that input again (and the suite proves the fix).
 *
 * Minimal repros are in each comment (graphs in the record test-case notation).
 */
type Bug = "forEachItemPaths" | "optionalOperands" | "inheritedPropertyReferences" | "fallbackTypes" | "protoKeys" | "malformedTypeSchemas" | "unsafeIntegerLiterals" | "inheritedNameOutputFields" | "outputFallbacks";

/** Typed as booleans (not literals), so code guarded by a flag type-checks either way. */
export const FIXED: Readonly<Record<Bug, boolean>> = {
  /**
   * `{{item.path}}` inside a for_each input compiles to `item` (the path is dropped), so
   * the callee receives the whole item. Repro: input rows: array of { price: number };
   * for_each items "{{input.rows}}", input { n: "{{item.price}}" } → the callee gets
   * n = { price: 3 } and the run fails with SCHEMA_MISMATCH (generated: `input: { "n": item }`).
   */
  forEachItemPaths: true,
  /**
   * A possibly missing (optional) operand is accepted where the generated code needs a
   * value: conditional greater_than/less_than/…/contains/matches, switch `value`, merge
   * candidates. Expected a TYPE_MISMATCH diagnostic; actual INTERNAL_VERIFICATION_FAILED
   * (TS2532 / TS2345 / TS2322). Repro: input { n: number } not required; conditional
   * left "{{input.n}}" greater_than 3.
   */
  optionalOperands: true,
  /**
   * A reference whose path names a property every object inherits (`constructor`,
   * `toString`, `__proto__`, …) makes compileGraph throw "Cannot convert undefined or
   * null to object" (emit.ts jsonLiteral) instead of returning UNKNOWN_REFERENCE.
   * Repro: transform t { k: 1 }, output { u: "{{t.constructor}}" }.
   */
  inheritedPropertyReferences: true,
  /**
   * `onError: { action: continue, fallback }` is never checked against the node's output
   * type: a fallback of another shape (or null, or a widened enum) yields
   * INTERNAL_VERIFICATION_FAILED (TS2322). Repro: transform t { v: 1 } with fallback
   * { v: "x" }, output { v: "{{t.v}}" }.
   */
  fallbackTypes: true,
  /**
   * Object keys named `__proto__` (output/transform values, input schema properties,
   * nested literals) are silently dropped: zod's `z.record` (graph parse) and
   * `z.object` (output validation) assign them as prototypes. Expected: kept, or refused
   * with a diagnostic. Repro: output values { "__proto__": "p", a: 1 } → compiles; the run
   * returns { a: 1 }.
   */
  protoKeys: true,
  /**
   * A type schema that fails config validation (INVALID_CONFIG) is still used by type
   * inference, and compileGraph throws a TypeError instead of returning the diagnostic.
   * Any of these, in input `schema`, http `response.schema` or llm `output.schema`:
   * the schema itself null; `properties: null`; a property null (`properties: { a: null }`);
   * `items: null`; `required` not an array (1, true, {}). Repro: input config
   * { schema: null } → "Cannot read properties of null (reading 'type')" (analyze.ts).
   */
  malformedTypeSchemas: true,
  /**
   * An integer literal beyond Number.MAX_SAFE_INTEGER (9007199254740992, 1e21) is typed
   * `integer` (Number.isInteger), but zod's `.int()` refuses unsafe integers, so every run
   * fails with INVALID_OUTPUT ("Too big: expected int to be <=9007199254740991").
   * Expected: type such literals as `number` (or refuse them at compile time).
   * Repro: output values { big: 9007199254740992 } → compiles; invoke → INVALID_OUTPUT.
   */
  unsafeIntegerLiterals: true,
  /**
   * An output field named like a member every object inherits (`toString`, `constructor`,
   * `valueOf`, `hasOwnProperty`, `isPrototypeOf`, …) that only some outputs set (so it is
   * optional in Output) fails verification: the other outputs' object literals inherit
   * e.g. `toString: () => string`, not assignable to `string | undefined`.
   * Was: INTERNAL_VERIFICATION_FAILED TS2322 ("The types of 'value["toString"]' are
   * incompatible"). Resolved by refusing such output field names with INVALID_CONFIG
   * (tests/compiler/regressions.test.ts), so the valid-graph generators keep away from them:
   * the flag stays false on purpose.
   */
  inheritedNameOutputFields: false,
  /**
   * The same as fallbackTypes, on output nodes: an output's `onError` fallback is not
   * checked against the output's values (output nodes have no output type of their own).
   * Repro: output { values: { v: 1 }, onError: { action: continue, fallback: { v: "x" } } }
   * (or null, or {}) → INTERNAL_VERIFICATION_FAILED TS2322.
   */
  outputFallbacks: true,
};
