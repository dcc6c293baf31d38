import { parse as parseYaml } from "yaml";
import { componentRecordSchema, REQUIRED_SECTIONS, type ComponentRecord } from "./record-schema";

export class RecordError extends Error {
  override readonly name = "RecordError";
}

/** Parses and validates one record; fails naming the file and the missing or invalid section. */
export function parseRecord(fileName: string, text: string): ComponentRecord {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new RecordError(`${fileName}: not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof raw !== "object" || raw === null) throw new RecordError(`${fileName}: a record is a YAML mapping with sections ${REQUIRED_SECTIONS.join(", ")}`);
  const missing = REQUIRED_SECTIONS.filter((section) => !(section in raw));
  if (missing.length > 0) throw new RecordError(`${fileName}: missing section${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
  const parsed = componentRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - section ${issue.path.map(String).join(".")}: ${issue.message}`);
    throw new RecordError(`${fileName}: invalid record:\n${problems.join("\n")}`);
  }
  const record = parsed.data;
  const expectedName = `${record.component.kind}.yaml`;
  if (!fileName.endsWith(expectedName)) throw new RecordError(`${fileName}: the record of kind "${record.component.kind}" must be named ${expectedName}`);
  return record;
}
