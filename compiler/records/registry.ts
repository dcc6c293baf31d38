import type { z } from "zod";
import { configAccepts } from "./config-accepts";
import { configValidator } from "./config-validator";
import type { ComponentRecord } from "./record-schema";
import { RecordError } from "./parse-record";

export interface KindDefinition {
  readonly record: ComponentRecord;
  readonly config: z.ZodType;
  /** A quick yes for most valid configs; on no, `config` decides and says why. */
  readonly configAccepts: (config: unknown) => boolean;
}

export interface RecordRegistry {
  readonly kinds: ReadonlyMap<string, KindDefinition>;
  get(kind: string): KindDefinition | undefined;
}

/** A typed registry of node kinds; a kind defined twice is refused. */
export function createRegistry(records: readonly ComponentRecord[]): RecordRegistry {
  const kinds = new Map<string, KindDefinition>();
  for (const record of records) {
    const kind = record.component.kind;
    if (kinds.has(kind)) throw new RecordError(`${kind}.yaml: kind "${kind}" is defined twice`);
    const fields = record.config_schema.fields;
    kinds.set(kind, { record, config: configValidator(fields), configAccepts: configAccepts(fields) });
  }
  return { kinds, get: (kind) => kinds.get(kind) };
}
