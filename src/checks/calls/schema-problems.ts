import type { JsonSchema } from "../../definitions/model.ts";

/** A mistake in a request schema, at its JSON pointer in the schema document. */
export interface SchemaProblem {
  readonly pointer: string;
  readonly message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Keywords holding one subschema, a list of them, or a map of names to them. */
const single = [
  "items",
  "additionalProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "additionalItems",
  "unevaluatedItems",
  "unevaluatedProperties",
];
const lists = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];
const maps = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];

const escape = (token: string): string => token.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * What the diff cannot read as meant: a `required` entry that is no field name ("" or not a
 * string). JSON Schema lets "" name a property, but no request field is called that: it is a slip
 * (an empty list item in YAML, a template that printed nothing), so it is reported, not compared.
 */
export function requestSchemaProblems(schema: JsonSchema): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const walk = (node: unknown, pointer: string): void => {
    if (!isObject(node)) return;
    const required = node.required;
    if (Array.isArray(required))
      required.forEach((name, i) => {
        if (typeof name !== "string" || name === "")
          problems.push({
            pointer: `${pointer}/required/${i}`,
            message: `required lists ${JSON.stringify(name)}, which is no field name: give the name of a property, or remove the entry`,
          });
      });
    for (const key of single) if (isObject(node[key])) walk(node[key], `${pointer}/${key}`);
    for (const key of lists) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((s, i) => walk(s, `${pointer}/${key}/${i}`));
    }
    for (const key of maps) {
      const map = node[key];
      if (isObject(map))
        for (const [name, s] of Object.entries(map)) walk(s, `${pointer}/${key}/${escape(name)}`);
    }
  };
  walk(schema, "");
  return problems;
}
