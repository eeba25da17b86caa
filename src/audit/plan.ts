import type { CallContract } from "../definitions/model.ts";
import { hashCanonical } from "../release/hash.ts";
import { compareMappings, matches, type MappingConflict } from "./compare.ts";
import { auditNames, type AuditNames } from "./convention.ts";
import type { LiveAuditCall } from "./live.ts";
import { auditMapping, type IndexMapping } from "./mapping.ts";

/**
 * none: the server already matches. create: the family's first index. in-place: a template
 * update and new fields added to the write index. roll-over: a new template version and a new
 * write index, because the write index's mapping cannot take the new request type.
 */
export type AuditChange = "none" | "create" | "in-place" | "roll-over";

export interface AuditCallPlan {
  readonly service: string;
  readonly call: string;
  readonly names: AuditNames;
  /** The environment's index prefix, read back with the same one when verifying. */
  readonly prefix: string;
  readonly change: AuditChange;
  readonly expected: IndexMapping;
  readonly schemaHash: string;
  /** The template version the server will have afterwards. */
  readonly templateVersion: number;
  readonly putTemplate: boolean;
  readonly writeIndex?: string;
  readonly conflicts: readonly MappingConflict[];
  /** Fields added to the write index in place. */
  readonly added: readonly string[];
}

/** Pure: a call's request schema and what the server holds in, what must change out. */
export function planAuditCall(
  service: string,
  call: CallContract,
  live: LiveAuditCall | undefined,
  prefix = "",
): AuditCallPlan {
  const names = auditNames(call.name, prefix);
  const expected = auditMapping(call.request);
  const hash = hashCanonical(call.request);
  const template = live?.template;
  const templateMatches =
    template !== undefined &&
    template.meta.managed_by === "slipway" &&
    template.meta.schema_hash === hash &&
    matches(compareMappings(expected.properties, template.mappings?.properties));
  const base = {
    service,
    call: call.name,
    names,
    prefix,
    expected,
    schemaHash: hash,
    putTemplate: !templateMatches,
    templateVersion: templateMatches ? (template.version ?? 1) : (template?.version ?? 0) + 1,
  };
  if (!live?.writeIndex) return { ...base, change: "create", conflicts: [], added: [] };
  const write = compareMappings(expected.properties, live.writeMapping?.properties);
  const change: AuditChange =
    write.conflicts.length > 0
      ? "roll-over"
      : write.missing.length > 0 || !templateMatches
        ? "in-place"
        : "none";
  return {
    ...base,
    change,
    writeIndex: live.writeIndex,
    conflicts: write.conflicts,
    added: write.conflicts.length > 0 ? [] : write.missing,
  };
}

/** One line per call for the plan. */
export function describeAuditCall(p: AuditCallPlan): string {
  switch (p.change) {
    case "none":
      return `${p.call}: index ${p.writeIndex} matches (template v${p.templateVersion})`;
    case "create":
      return `${p.call}: create template ${p.names.template} v${p.templateVersion} and the first index behind alias ${p.names.alias}`;
    case "in-place":
      return p.added.length
        ? `${p.call}: add ${p.added.map((f) => `${f}`).join(", ")} to ${p.writeIndex} in place (template v${p.templateVersion})`
        : `${p.call}: update template ${p.names.template} to v${p.templateVersion} (the write index already matches)`;
    case "roll-over":
      return `${p.call}: BREAKING for the index: ${p.conflicts
        .map((c) => `${c.field} ${c.live} → ${c.expected}`)
        .join(
          ", ",
        )}; put template v${p.templateVersion}, roll ${p.names.alias} over from ${p.writeIndex} to a new index`;
  }
}
