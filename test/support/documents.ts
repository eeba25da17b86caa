import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { DocumentKind, SlipwayDocument } from "../../src/output/documents.ts";
import { repoRoot } from "./project.ts";

/** The committed schema, as the package ships it: what users' tooling validates against. */
export const schema = JSON.parse(
  readFileSync(join(repoRoot, "schema", "slipway.v1.schema.json"), "utf8"),
) as { $id: string; definitions: Record<string, unknown> };

// Union types ("type": ["string", "number", "boolean"], a parameter's value) are standard JSON
// Schema; Ajv's strict mode only asks to allow them explicitly.
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats.default(ajv);
ajv.addSchema(schema);

const validators = new Map<string, ValidateFunction>();
function validator(ref: string): ValidateFunction {
  let v = validators.get(ref);
  if (!v) {
    v = ajv.getSchema(`${schema.$id}#/definitions/${ref}`);
    if (!v) throw new Error(`the schema has no definition ${ref}`);
    validators.set(ref, v);
  }
  return v;
}

const said = (errors: readonly ErrorObject[] | null | undefined): string =>
  (errors ?? [])
    .map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`)
    .join("\n");

/**
 * Parses one printed document and checks it against the schema: as any SlipwayDocument, and as
 * the definition of the kind expected (its errors are the readable ones). Throws on any miss.
 */
export function expectDocument<K extends DocumentKind>(
  text: string,
  kind: K,
): Extract<SlipwayDocument, { kind: K }> {
  const value: unknown = JSON.parse(text);
  const found = (value as { kind?: unknown } | null)?.kind;
  if (found !== kind) throw new Error(`expected a ${kind} document, found kind ${JSON.stringify(found)}`);
  const own = validator(`${kind}Document`);
  if (!own(value))
    throw new Error(`not a valid ${kind} document:\n${said(own.errors)}\n${text.slice(0, 2000)}`);
  const any = validator("SlipwayDocument");
  if (!any(value)) throw new Error(`not a SlipwayDocument:\n${said(any.errors)}`);
  return value as Extract<SlipwayDocument, { kind: K }>;
}

/** Every line of `deploy -o jsonl`, each checked: the plan first, then events, the report last. */
export function expectJsonLines(stdout: string): SlipwayDocument[] {
  const lines = stdout.split("\n").filter((l) => l.trim() !== "");
  return lines.map((line, i) => {
    const kind = i === 0 ? "Plan" : i === lines.length - 1 ? "DeployReport" : "DeployEvent";
    return expectDocument(line, kind);
  });
}
