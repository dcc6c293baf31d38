import type { FieldView } from "../lower/lower";

/** The boolean expression of one conditional condition (a handlebars helper for the conditional record). */
export function conditionCode(condition: Readonly<Record<string, FieldView | undefined>>): string {
  const operator = condition.operator?.$value;
  const left = condition.left?.$code ?? "undefined";
  const right = condition.right?.$code ?? "undefined";
  switch (operator) {
    case "equals":
      return `equals(${left}, ${right})`;
    case "not_equals":
      return `!equals(${left}, ${right})`;
    case "greater_than":
      return `${left} > ${right}`;
    case "greater_or_equal":
      return `${left} >= ${right}`;
    case "less_than":
      return `${left} < ${right}`;
    case "less_or_equal":
      return `${left} <= ${right}`;
    case "contains":
      return `contains(${left}, ${right})`;
    case "in":
      return `isIn(${left}, ${right})`;
    case "is_empty":
      return `isEmpty(${left})`;
    case "is_not_empty":
      return `!isEmpty(${left})`;
    case "matches":
      return `matches(${left}, new RegExp(${right}))`;
    default:
      throw new Error(`unknown condition operator ${JSON.stringify(operator ?? null)}`);
  }
}
