import type { JsonValue } from "../graph/schema";
import { describeSchema } from "../types/describe";
import type { TypeSchema } from "../types/type-schema";
import { describeValue } from "./infer-node";
import { isObject, pathKey } from "./config-walk";
import type { DeriveContext } from "./derivers";

type Base = "number" | "string" | "boolean" | "null" | "array" | "object" | "unknown";

function baseOf(schema: TypeSchema): Base {
  return schema.type === "integer" ? "number" : schema.type;
}

/** Type-checks each condition of a conditional node: operand types must suit the operator. */
export function checkConditions(ctx: DeriveContext): void {
  const conditions = Array.isArray(ctx.config.conditions) ? (ctx.config.conditions as readonly JsonValue[]) : [];
  conditions.forEach((condition, i) => {
    if (!isObject(condition)) return;
    const operator = typeof condition.operator === "string" ? condition.operator : "";
    const left = ctx.values.get(pathKey(["conditions", i, "left"]));
    const right = ctx.values.get(pathKey(["conditions", i, "right"]));
    const leftValue = condition.left ?? null;
    const rightValue = condition.right;
    const unary = operator === "is_empty" || operator === "is_not_empty";
    if (!unary && rightValue === undefined) {
      ctx.report("INVALID_CONFIG", `condition ${String(i + 1)} (${operator}) needs a right-hand value`, ["conditions", i, "right"]);
      return;
    }
    if (left?.sound !== true || (!unary && right?.sound !== true)) return;
    const l = left.type.schema;
    const r = right?.type.schema ?? ({ type: "null" } as const);
    const mismatch = (needs: string): void => {
      ctx.report(
        "TYPE_MISMATCH",
        `\`${ctx.node.id}\` compares ${describeValue(leftValue)} (${describeSchema(l)}) with ${rightValue === undefined ? "nothing" : describeValue(rightValue)} (${describeSchema(r)}): ${operator} needs ${needs}`,
        ["conditions", i],
      );
    };
    const lb = baseOf(l);
    const rb = baseOf(r);
    const needsLeft = ["greater_than", "greater_or_equal", "less_than", "less_or_equal", "contains", "matches"].includes(operator);
    const needsRight = needsLeft || operator === "in";
    if ((needsLeft && left.type.optional) || (needsRight && right?.type.optional === true)) {
      mismatch("values that are always present, but an operand may be missing (make the field required, or test it with is_empty first)");
      return;
    }
    switch (operator) {
      case "equals":
      case "not_equals":
        if (lb !== rb && lb !== "unknown" && rb !== "unknown") mismatch("two values of the same type");
        return;
      case "greater_than":
      case "greater_or_equal":
      case "less_than":
      case "less_or_equal":
        if (lb !== "number" || rb !== "number") mismatch("two numbers");
        return;
      case "contains":
        if (!(lb === "string" && rb === "string") && lb !== "array") mismatch("a string and a string, or an array and an element");
        else if (l.type === "array" && l.items.type !== "unknown" && rb !== "unknown" && baseOf(l.items) !== rb) mismatch(`an element of the array's type (${describeSchema(l.items)})`);
        return;
      case "in":
        if (!(rb === "array" || (rb === "string" && lb === "string"))) mismatch("a value and an array (or a string in a string)");
        return;
      case "matches":
        if (lb !== "string") mismatch("a string on the left");
        else if (typeof rightValue !== "string" || rightValue.includes("{{")) mismatch("a fixed regular expression on the right");
        else {
          try {
            new RegExp(rightValue);
          } catch (error) {
            ctx.report("INVALID_CONFIG", `condition ${String(i + 1)}: ${error instanceof Error ? error.message : "invalid regular expression"}`, ["conditions", i, "right"]);
          }
        }
        return;
      default:
        return;
    }
  });
}
