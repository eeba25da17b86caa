import { serviceSchema } from "../definitions/schema/service.ts";
import type { Spec } from "./draft.ts";

/** What the definition schema refuses in a draft: each issue's path and message. */
export function schemaIssues(spec: Spec): { path: PropertyKey[]; message: string }[] {
  const result = serviceSchema.safeParse(spec);
  return result.success ? [] : result.error.issues.map((i) => ({ path: [...i.path], message: i.message }));
}

/** Drops a field the schema refuses (`deployment.resources`), so the gaps carry its live value instead. */
export function dropField(spec: Spec, path: readonly PropertyKey[]): boolean {
  const [top, field] = path;
  if (top === undefined || field === undefined) return false;
  const here = (spec as Record<PropertyKey, unknown>)[top];
  if (here === null || typeof here !== "object") return false;
  return delete (here as Record<PropertyKey, unknown>)[field];
}
