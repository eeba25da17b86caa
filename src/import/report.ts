import type { FieldChange } from "../plan/diff.ts";
import type { SkippedObject } from "./group.ts";
import type { MappedObject } from "./draft.ts";

/** One service the import wrote. */
export interface ImportedServiceEntry {
  readonly name: string;
  /** Its definition file, relative to the output folder. */
  readonly file: string;
  readonly version: string;
  readonly image: string;
  /** The live objects it renders, and the definition field each became. */
  readonly objects: readonly MappedObject[];
}

/** What went into the escape hatch: a raw object (whole), or a field a patch keeps. */
export interface EscapeHatchEntry {
  readonly service: string;
  readonly kind: string;
  readonly name: string;
  readonly as: "raw object" | "patch";
  /** The JSON pointer a patch sets, for a patch. */
  readonly path?: string;
  readonly reason: string;
}

/** A Secret the services use: never read, to be provided in every environment they deploy to. */
export interface SecretToProvide {
  readonly name: string;
  readonly type: string;
  /** Its keys' names (never their values), as the namespace has them; empty when it is missing there. */
  readonly keys: readonly string[];
  readonly usedBy: readonly string[];
  /** The namespace has it (a Secret the pods name but that is missing is said so). */
  readonly exists: boolean;
}

/** What a first plan will still show for an object besides Slipway's labels (an image pinned by digest). */
export interface RemainingChange {
  readonly service: string;
  readonly kind: string;
  readonly name: string;
  readonly changes: readonly FieldChange[];
}

/** How `slipway import` read a namespace and what it wrote. */
export interface ImportReport {
  readonly context: string;
  readonly namespace: string;
  readonly project: string;
  readonly environment: string;
  /** The output folder, as given. */
  readonly out: string;
  readonly files: readonly string[];
  readonly services: readonly ImportedServiceEntry[];
  readonly escapeHatch: readonly EscapeHatchEntry[];
  readonly skipped: readonly SkippedObject[];
  readonly secrets: readonly SecretToProvide[];
  readonly remaining: readonly RemainingChange[];
  readonly notes: readonly string[];
}

const show = (value: unknown): string => (value === undefined ? "(none)" : JSON.stringify(value));

/** The report as a person reads it. */
export function formatImportReport(r: ImportReport): string {
  const lines = [
    `Imported namespace ${r.namespace} (context ${r.context}) as project ${r.project}, environment ${r.environment}, into ${r.out}`,
    "",
    `Services (${r.services.length}):`,
  ];
  for (const s of r.services) {
    lines.push(`  ${s.name}  ${s.version}  ${s.image}  (${s.file})`);
    for (const o of s.objects) lines.push(`      ${o.kind}/${o.name} → ${o.field}`);
  }
  if (r.escapeHatch.length) {
    lines.push("", `In the escape hatch (${r.escapeHatch.length}): what no definition field says`);
    for (const e of r.escapeHatch)
      lines.push(
        e.as === "raw object"
          ? `  ${e.service}: ${e.kind}/${e.name} as a raw object: ${e.reason}`
          : `  ${e.service}: ${e.kind}/${e.name} ${e.path} kept by a patch (${e.reason})`,
      );
  }
  if (r.skipped.length) {
    lines.push("", `Skipped (${r.skipped.length}):`);
    for (const s of r.skipped) lines.push(`  ${s.kind}/${s.name}: ${s.reason}`);
  }
  lines.push(
    "",
    r.secrets.length
      ? `Secrets to provide (${r.secrets.length}), by name only; no value was read or written:`
      : "Secrets to provide: none",
  );
  for (const s of r.secrets)
    lines.push(
      `  ${s.name}  (${s.type}${s.keys.length ? `; keys ${s.keys.join(", ")}` : ""}) used by ${s.usedBy.join(", ")}${s.exists ? "" : "  MISSING in the namespace"}`,
    );
  if (r.remaining.length) {
    lines.push("", "A first plan will still show (besides adopting each object with Slipway's labels):");
    for (const c of r.remaining) {
      lines.push(`  ${c.service}: ${c.kind}/${c.name}`);
      for (const f of c.changes) lines.push(`      ${f.path}: ${show(f.from)} → ${show(f.to)}`);
    }
  }
  if (r.notes.length) lines.push("", "Notes:", ...r.notes.map((n) => `  ${n}`));
  lines.push(
    "",
    `Wrote ${r.files.length} file(s). Next: slipway -c ${r.out}/slipway.config.ts plan -e ${r.environment} (each object shows as "adopt"), then deploy.`,
    "",
  );
  return lines.join("\n");
}
