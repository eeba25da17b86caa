import { z } from "zod";
import type { DefinitionProblem } from "./errors.ts";

/** Turns schema issues into problems that say what was found and what was expected. */
export function problemsFromIssues(
  file: string,
  input: unknown,
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String);
    const found = valueAt(input, path);
    switch (issue.code) {
      case "unrecognized_keys":
        for (const key of issue.keys) {
          const known = knownKeys(schema, path);
          const guess = closest(key, known);
          problems.push({
            file,
            path: joinPath([...path, key]),
            message: `unknown key${guess ? `; did you mean "${guess}"?` : ""}${known.length ? ` (expected one of: ${known.join(", ")})` : ""}`,
          });
        }
        break;
      case "invalid_type": {
        const what = issue.expected === "int" ? "an integer" : issue.expected;
        problems.push({
          file,
          path: joinPath(path),
          message:
            found === undefined
              ? `is required: expected ${what}`
              : `expected ${what}, found ${describe(found)}`,
        });
        break;
      }
      case "invalid_value":
        problems.push({
          file,
          path: joinPath(path),
          message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, found ${describe(found)}`,
        });
        break;
      case "invalid_key": {
        // The path ends at the key itself; the value found there would say nothing about it.
        const key = path.at(-1) ?? "";
        const rules = issue.issues.map((i) => i.message).join(", and ");
        problems.push({
          file,
          path: joinPath(path.slice(0, -1)),
          message: `the name ${JSON.stringify(key)} ${rules}`,
        });
        break;
      }
      case "invalid_union": {
        // A secret written where a reference belongs (notifications) is refused without repeating it.
        const secret = issue.errors
          .flat()
          .find((i) => i.code === "custom" && (i.params as { secret?: boolean } | undefined)?.secret);
        problems.push({
          file,
          path: joinPath(path),
          message: secret ? secret.message : `matches none of the allowed forms, found ${describe(found)}`,
        });
        break;
      }
      default:
        problems.push({
          file,
          path: joinPath(path),
          message: `${expected(issue)}, found ${describe(found)}`,
        });
    }
  }
  return problems;
}

/** zod's own wording, to tell a message the schema gives from the validator's default one. */
const zodWording = z.locales.en().localeError;

/**
 * What the field should have been, in the words of the other problems ("expected ..."): the
 * schema's own message where it gives one, else one made from the issue, never zod's default
 * wording ("Invalid string: must start with ...").
 */
function expected(issue: z.core.$ZodIssue): string {
  const wording = zodWording(issue as unknown as Parameters<typeof zodWording>[0]);
  const own = typeof wording === "string" ? wording : wording?.message;
  if (issue.message !== own) return issue.message;
  const size = (
    bound: number | bigint,
    exact: boolean | undefined,
    inclusive: boolean | undefined,
    more: boolean,
  ) =>
    `${exact ? "exactly" : more ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "fewer than"} ${bound}`;
  switch (issue.code) {
    case "invalid_format":
      if (issue.format === "starts_with")
        return `expected a string starting with ${JSON.stringify((issue as z.core.$ZodIssueStringStartsWith).prefix)}`;
      if (issue.format === "ends_with")
        return `expected a string ending with ${JSON.stringify((issue as z.core.$ZodIssueStringEndsWith).suffix)}`;
      if (issue.format === "includes")
        return `expected a string containing ${JSON.stringify((issue as z.core.$ZodIssueStringIncludes).includes)}`;
      if (issue.format === "regex") return `expected a string matching ${issue.pattern}`;
      return `expected ${issue.format === "url" ? "a URL" : `a value of format ${issue.format}`}`;
    case "too_small":
    case "too_big": {
      const more = issue.code === "too_small";
      const bound = more ? issue.minimum : issue.maximum;
      const units: Record<string, string> = { string: "characters", array: "items", set: "items" };
      const unit = units[issue.origin];
      if (unit) return `expected ${size(bound, issue.exact, issue.inclusive, more)} ${unit}`;
      const sign = more ? (issue.inclusive ? ">=" : ">") : issue.inclusive ? "<=" : "<";
      return `expected ${issue.origin === "number" || issue.origin === "int" ? "a number" : `a ${issue.origin}`} ${sign} ${bound}`;
    }
    case "not_multiple_of":
      return `expected a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

export function joinPath(path: readonly string[]): string {
  return path.reduce((acc, key) => (/^\d+$/.test(key) ? `${acc}[${key}]` : acc ? `${acc}.${key}` : key), "");
}

function valueAt(input: unknown, path: readonly string[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return `an array (${json(value).slice(0, 60)})`;
  if (value === null) return "null";
  // A Date or a Map is an object to JSON too, but its keys would say nothing of what it is.
  const prototype: unknown = typeof value === "object" ? Object.getPrototypeOf(value) : undefined;
  if (typeof value === "object" && prototype !== Object.prototype && prototype !== null)
    return `a ${(value as object).constructor?.name ?? "class instance"}`;
  if (typeof value === "object") return `an object with keys ${Object.keys(value).join(", ") || "(none)"}`;
  if (typeof value === "bigint") return `bigint ${value}n`;
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "number" && !Number.isFinite(value)) return `number ${value}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** JSON for a message: a definition is TypeScript, so it may hold a bigint or refer to itself. */
function json(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value)
    );
  } catch {
    return "a value that contains itself";
  }
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { def: SchemaDef }).def;

/** The keys an object schema accepts at `path`, to suggest the one the user meant. */
function knownKeys(schema: z.ZodType, path: readonly string[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    current = current && unwrap(current);
    if (!current) return [];
    const def = defOf(current);
    if (def.type === "object") current = def.shape?.[key];
    else if (def.type === "record") current = def.valueType;
    else if (def.type === "array") current = def.element;
    else return [];
  }
  current = current && unwrap(current);
  if (!current) return [];
  const def = defOf(current);
  return def.type === "object" ? Object.keys(def.shape ?? {}) : [];
}

function unwrap(schema: z.ZodType): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (let i = 0; i < 10 && current; i++) {
    const def = defOf(current);
    if (def.type === "optional" || def.type === "default" || def.type === "nullable") current = def.innerType;
    else if (def.type === "union")
      current = def.options?.find((o) => defOf(o).type === "object") ?? def.options?.[0];
    else return current;
  }
  return current;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = levenshtein(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const temp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = temp;
    }
  }
  return row[b.length] ?? 0;
}
