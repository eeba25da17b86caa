/**
 * The fuzz harness behind `npm run fuzz` and test/definitions/fuzz.test.ts: mutates the example
 * platform's config, service definitions, call schemas and SQL migrations, and feeds each case
 * through the loader, render and an offline plan (the call diff for schemas, the lint for SQL).
 * Every case must end accepted or as a located error: a DefinitionError whose problems each
 * name a file of the project, or a lint finding with file:line. Anything else is a failure.
 *
 * Case i of seed s draws from a generator seeded by (s, i) alone, and the scratch project is
 * restored after each case, so `--seed s --case i` replays one case.
 *
 * Importing a .ts file through tsx is slow, so most cases hand the loader definition objects
 * mutated in memory (loadProjectWith, the same code after the import); a share of the cases
 * mutates the .ts text and imports it for real.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { diffCalls, diffRequestSchemas } from "../../src/checks/calls/request-diff.ts";
import type { MigrationFinding } from "../../src/checks/migrations/finding.ts";
import { lintMigrations, type MigrationSource } from "../../src/checks/migrations/lint.ts";
import { DefinitionError } from "../../src/definitions/errors.ts";
import { DefinitionLoader } from "../../src/definitions/import-module.ts";
import { loadProjectWith } from "../../src/definitions/load.ts";
import type { JsonSchema, ProjectModel } from "../../src/definitions/model.ts";
import { buildPlan } from "../../src/plan/plan.ts";
import { renderEnvironment } from "../../src/render/render.ts";
import { toYaml } from "../../src/render/serialize.ts";
import { copyOfExample } from "./project.ts";

export const kinds = ["config", "service", "call-schema", "sql", "ts-text"] as const;
export type Kind = (typeof kinds)[number];
/** Shares of the cases: the in-memory kinds are cheap, a .ts import costs a tsx transform. */
const weights: Record<Kind, number> = { config: 20, service: 38, "call-schema": 18, sql: 20, "ts-text": 4 };

export type Outcome = "accepted" | "located error";

export interface Failure {
  readonly kind: Kind;
  readonly index: number;
  /** Where the mutated input was (a project-relative file), or the field paths mutated. */
  readonly where: string;
  readonly input: string;
  readonly error: string;
}

export interface FuzzReport {
  readonly seed: number;
  readonly runs: number;
  readonly cases: Record<Kind, number>;
  readonly outcomes: Record<Kind, Record<Outcome, number>>;
  /** Cases whose input came out as it went in: a generator that stopped mutating shows here. */
  readonly unchanged: Record<Kind, number>;
  readonly failures: readonly Failure[];
}

/** One case as it ran: what `--case I` prints, and what a replay fixture is written from. */
export interface CaseRun {
  readonly kind: Kind;
  readonly index: number;
  readonly where: string;
  readonly input: string;
  readonly outcome?: Outcome;
}

export interface FuzzOptions {
  readonly seed: number;
  readonly runs: number;
  /** Replays this case alone. */
  readonly only?: number;
  /** Stop after this many failures (default 10). */
  readonly maxFailures?: number;
  readonly progress?: (done: number) => void;
  readonly onCase?: (run: CaseRun) => void;
}

// ---------------------------------------------------------------------------------------------
// Randomness

export type Random = () => number;

/** mulberry32: small, fast, and the same on every machine. */
function generator(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const caseRandom = (seed: number, index: number): Random =>
  generator((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);

const int = (rnd: Random, n: number): number => Math.floor(rnd() * n);
function pick<T>(rnd: Random, items: readonly T[]): T {
  if (items.length === 0) throw new Error("internal: pick from an empty list");
  return items[int(rnd, items.length)] as T;
}

function kindOf(rnd: Random): Kind {
  const total = kinds.reduce((sum, k) => sum + weights[k], 0);
  let r = rnd() * total;
  for (const k of kinds) {
    r -= weights[k];
    if (r < 0) return k;
  }
  return "service";
}

// ---------------------------------------------------------------------------------------------
// Values: definitions in memory are plain objects and arrays with functions of the environment

type Tree = Record<string, unknown> | unknown[];
const isTree = (v: unknown): v is Tree =>
  Array.isArray(v) || (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype);

/** A deep copy of the plain parts; functions and other values are shared. */
function clone(value: unknown, copies = new Map<unknown, unknown>()): unknown {
  if (!isTree(value)) return value;
  // A definition that contains itself stays so in its copy.
  if (copies.has(value)) return copies.get(value);
  const copy: Tree = Array.isArray(value) ? [] : {};
  copies.set(value, copy);
  for (const [k, v] of Object.entries(value)) (copy as Record<string, unknown>)[k] = clone(v, copies);
  return copy;
}

function treePaths(value: unknown, prefix: string[] = [], seen = new Set<unknown>()): string[][] {
  if (!isTree(value) || seen.has(value)) return [prefix];
  seen.add(value);
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => treePaths(v, [...prefix, k], seen))];
}

function at(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) node = isTree(node) ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

const keys = [
  "name",
  "version",
  "image",
  "replicas",
  "port",
  "env",
  "secret",
  "key",
  "configMap",
  "path",
  "host",
  "files",
  "data",
  "request",
  "type",
  "properties",
  "required",
  "items",
  "$ref",
  "enum",
  "additionalProperties",
  "maxLength",
  "minimum",
  "__proto__",
  "constructor",
  "toString",
  "",
  "x-y",
  "ÄÖ",
];

const strings = [
  "",
  " ",
  "a",
  "A",
  "files",
  "auth",
  "dev",
  "prod",
  "-",
  "a-",
  "1",
  "0.1.0",
  "250m",
  "1Gi",
  "/",
  "/files",
  "./migrations",
  "../..",
  "./calls/missing.json",
  "./config/files.yaml",
  "#/definitions/x",
  "#",
  "http://",
  "0 3 * * *",
  "* * *",
  "x".repeat(300),
  "émoji 🎉",
  "a\nb",
  "\u0000",
  "__proto__",
  "toString",
  "string",
  "object",
  "integer",
];

/** A value a definition should never contain, or a plausible one in the wrong place. */
function weirdValue(rnd: Random, root: unknown, depth = 0, json = false): unknown {
  // JSON holds no functions, bigints or other objects: cases 6 to 10 are for TypeScript.
  const n = int(rnd, json ? 9 : 14);
  switch (json && n >= 6 ? n + 5 : n) {
    case 0:
      return pick(rnd, [undefined, null, true, false]);
    case 1:
      return pick(rnd, [0, -1, 1, 2, 1.5, 65536, 2 ** 53, -0, NaN, Infinity, -Infinity, 1e308]);
    case 2:
    case 3:
      return pick(rnd, strings);
    case 4:
      return depth > 2
        ? []
        : Array.from({ length: int(rnd, 3) }, () => weirdValue(rnd, root, depth + 1, json));
    case 5:
      return depth > 2
        ? {}
        : Object.fromEntries(
            Array.from({ length: int(rnd, 3) }, () => [
              pick(rnd, keys),
              weirdValue(rnd, root, depth + 1, json),
            ]),
          );
    case 6: {
      const inner = depth > 2 ? 1 : weirdValue(rnd, root, depth + 1, json);
      return () => inner;
    }
    case 7:
      return (): never => {
        throw new Error("boom");
      };
    case 8:
      return pick<() => unknown>(rnd, [
        () => (): never => {
          throw new TypeError("not a function of the environment");
        },
        () => {
          throw "a thrown string";
        },
        () => {
          throw undefined;
        },
      ]);
    case 9:
      return pick(rnd, [1n, Symbol("s"), new Date(0), new Map([["a", 1]]), /re/, new Uint8Array(2)]);
    case 10:
      return Object.create(null) as unknown;
    case 11: {
      // The same value somewhere else in the definition: well-formed, in the wrong place.
      const all = treePaths(root);
      return clone(at(root, pick(rnd, all)));
    }
    default:
      return pick(rnd, strings).toUpperCase();
  }
}

/** One mutation of a definition tree in place; says what it did. */
function mutateTree(rnd: Random, root: Tree, json = false): string {
  const weird = (): unknown => weirdValue(rnd, root, 0, json);
  const all = treePaths(root).filter((p) => p.length > 0);
  if (all.length === 0) return "nothing to mutate";
  const path = pick(rnd, all);
  const parent = at(root, path.slice(0, -1));
  const last = path[path.length - 1] ?? "";
  if (!isTree(parent)) return "nothing to mutate";
  const target = parent as Record<string, unknown>;
  const where = path.join(".");
  const current = target[last];
  switch (int(rnd, 7)) {
    case 0:
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete target[last];
      return `delete ${where}`;
    case 1: {
      const key = pick(rnd, keys);
      const value = weird();
      if (Array.isArray(parent)) parent.push(value);
      else target[key] = value;
      return `add ${Array.isArray(parent) ? path.slice(0, -1).join(".") + "[]" : path.slice(0, -1).concat(key).join(".")} = ${show(value)}`;
    }
    case 2:
      if (json) return "nothing (no functions in JSON)";
      target[last] = (): unknown => current;
      return `wrap ${where} in a function`;
    case 3:
      if (typeof current === "string") {
        const s = current;
        const edits = [
          s.toUpperCase(),
          s + pick(rnd, strings),
          s.slice(0, int(rnd, s.length + 1)),
          s + "-",
          s.replace(/[a-z]/, "_"),
          `${s}.${s}`,
        ];
        target[last] = pick(rnd, edits);
        return `edit ${where} = ${show(target[last])}`;
      }
      if (typeof current === "number") {
        target[last] = pick(rnd, [
          current + 1,
          current - 1,
          -current,
          current * 1000,
          current + 0.5,
          String(current),
        ]);
        return `edit ${where} = ${show(target[last])}`;
      }
      target[last] = weird();
      return `replace ${where} = ${show(target[last])}`;
    case 4:
      // A reference back up the tree: a definition that contains itself.
      if (!json && rnd() < 0.15) {
        target[last] = at(root, path.slice(0, int(rnd, path.length)));
        return `replace ${where} with a reference to its ancestor`;
      }
      target[last] = weird();
      return `replace ${where} = ${show(target[last])}`;
    default:
      target[last] = weird();
      return `replace ${where} = ${show(target[last])}`;
  }
}

/** A readable rendering of any value, functions and cycles included. */
export function show(value: unknown, seen = new Set<unknown>(), depth = 0): string {
  if (typeof value === "function") return "[function]";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (value === undefined) return "undefined";
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (seen.has(value)) return "[circular]";
  if (!isTree(value)) return `[${Object.prototype.toString.call(value).slice(8, -1)}]`;
  if (depth > 12) return "[...]";
  seen.add(value);
  const text = Array.isArray(value)
    ? `[${value.map((v) => show(v, seen, depth + 1)).join(", ")}]`
    : `{ ${Object.entries(value)
        .map(([k, v]) => `${JSON.stringify(k)}: ${show(v, seen, depth + 1)}`)
        .join(", ")} }`;
  seen.delete(value);
  return text;
}

// ---------------------------------------------------------------------------------------------
// Text

const tsTokens = [
  "}",
  "{",
  ")",
  "(",
  ",",
  ";",
  '"',
  "'",
  "`",
  ":",
  "=>",
  "...",
  "undefined",
  "null",
  "42",
  '"x"',
  "export default 1;",
  "export const x = 1;",
  'import missing from "./missing.ts";',
  'import { nothing } from "slipway";',
  'throw new Error("at import");',
  "throw 7;",
  "as const",
  "\n",
  "//",
  "/*",
  "\u00a0",
];
const jsonTokens = [
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  '"',
  "null",
  "1e999",
  "-",
  "\\u",
  '"type"',
  '"$ref"',
  "true",
  "\n",
];
const sqlTokens = [
  ";",
  "(",
  ")",
  "'",
  '"',
  "--",
  "/*",
  "*/",
  "$$",
  "drop table files;",
  "alter table files drop column name;",
  "alter table files rename to f;",
  "alter table files alter column id type text;",
  "create index on files (name);",
  "create index concurrently i on files (name);",
  "alter table files add column c int not null default random();",
  "set lock_timeout = '2s';",
  "-- slipway:allow ban-drop-column reason: fuzz\n",
  "-- slipway:allow\n",
  "begin;",
  "commit;",
  "copy files from stdin;",
  "do $$ begin end $$;",
  "create function f() returns int as 'select 1' language sql;",
  "\\i other.sql",
  "é",
  "🎉",
  "\u0000",
  "\r\n",
  "\n",
  "select",
  "from",
  "where",
  "truncate files;",
  "vacuum full files;",
];

/** One edit of a text: a deleted, duplicated or moved range, or an inserted token. */
export function mutateText(rnd: Random, text: string, tokens: readonly string[]): string {
  const n = text.length;
  const a = int(rnd, n + 1);
  const b = Math.min(n, a + 1 + int(rnd, rnd() < 0.7 ? 8 : 200));
  switch (int(rnd, 6)) {
    case 0:
      return text.slice(0, a) + text.slice(b);
    case 1:
      return text.slice(0, b) + text.slice(a, b) + text.slice(b);
    case 2:
      return text.slice(0, a);
    case 3: {
      // Swap two lines.
      const lines = text.split("\n");
      const i = int(rnd, lines.length);
      const j = int(rnd, lines.length);
      const li = lines[i] ?? "";
      lines[i] = lines[j] ?? "";
      lines[j] = li;
      return lines.join("\n");
    }
    default:
      return text.slice(0, a) + pick(rnd, tokens) + text.slice(a);
  }
}

function mutateTextTimes(rnd: Random, text: string, tokens: readonly string[]): string {
  let result = text;
  for (let i = 1 + int(rnd, 3); i > 0; i--) result = mutateText(rnd, result, tokens);
  return result;
}

// ---------------------------------------------------------------------------------------------
// The project

interface Seeds {
  readonly root: string;
  readonly config: string;
  /** Absolute definition file → its default export, as imported once. */
  readonly definitions: ReadonlyMap<string, unknown>;
  /** Absolute path → original content, of every text file a case may change. */
  readonly texts: ReadonlyMap<string, string>;
  readonly serviceFiles: readonly string[];
  readonly schemaFiles: readonly string[];
  readonly migrationDirs: readonly string[];
  /** Loaded once unmutated: the baseline for the call diff. */
  readonly model: ProjectModel;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

async function prepare(loader: DefinitionLoader): Promise<Seeds> {
  const { root, config } = copyOfExample();
  const all = filesUnder(root);
  const serviceFiles = all.filter((f) => basename(f) === "service.ts").sort();
  const definitions = new Map<string, unknown>();
  for (const file of [config, ...serviceFiles]) definitions.set(file, await loader.importDefault(file));
  const texts = new Map(all.map((f) => [f, readFileSync(f, "utf8")]));
  const model = await loadProjectWith(config, async (file) => clone(definitions.get(file)));
  return {
    root,
    config,
    definitions,
    texts,
    serviceFiles,
    schemaFiles: all.filter((f) => f.endsWith(".request.json")).sort(),
    migrationDirs: [
      ...new Set(
        all.filter((f) => f.endsWith(".sql") && f.includes("/migrations/")).map((f) => resolve(f, "..")),
      ),
    ].sort(),
    model,
  };
}

/** What one case did; thrown errors escape it and are the failures. */
interface CaseResult {
  readonly outcome: Outcome;
}

class Unlocated extends Error {}

function checkLocated(error: unknown, root: string): void {
  if (!(error instanceof DefinitionError)) throw error;
  if (error.problems.length === 0) throw new Unlocated("a DefinitionError with no problems");
  for (const p of error.problems) {
    const located =
      typeof p.file === "string" &&
      p.file.length > 0 &&
      !relative(root, resolve(p.file)).startsWith("..") &&
      typeof p.path === "string" &&
      typeof p.message === "string" &&
      p.message.length > 0;
    if (!located) throw new Unlocated(`a problem without a file location: ${show(p)}`);
  }
}

function checkFindings(findings: readonly MigrationFinding[], sources: readonly MigrationSource[]): void {
  for (const f of findings) {
    const source = sources.find((s) => s.name === f.file);
    const lines = source ? source.sql.split("\n").length : 0;
    if (
      !source ||
      !Number.isInteger(f.line) ||
      f.line < 1 ||
      f.line > lines ||
      !Number.isInteger(f.column) ||
      f.column < 1
    )
      throw new Unlocated(`a finding without a file:line in the file: ${show({ ...f })}`);
  }
}

/** The loader, then render and an offline plan of every environment when it accepts. */
async function throughPipeline(
  seeds: Seeds,
  importDefault: (file: string) => Promise<unknown>,
): Promise<{ outcome: Outcome; model?: ProjectModel }> {
  let model: ProjectModel;
  try {
    model = await loadProjectWith(seeds.config, importDefault);
  } catch (error) {
    checkLocated(error, seeds.root);
    return { outcome: "located error" };
  }
  for (const env of model.environments) {
    toYaml(renderEnvironment(model, env.name));
    buildPlan({ project: model, env, only: [], live: new Map() });
  }
  return { outcome: "accepted", model };
}

const fromMemory =
  (seeds: Seeds, replaced: ReadonlyMap<string, unknown> = new Map()) =>
  async (file: string): Promise<unknown> =>
    replaced.has(file) ? replaced.get(file) : clone(seeds.definitions.get(file));

interface Context {
  readonly seeds: Seeds;
  readonly loader: DefinitionLoader;
  /** Files a case wrote: restored (or removed) after it. */
  readonly touched: Map<string, string | undefined>;
  where: string;
  input: string;
  /** The input before the case changed it, shown as `input` is. */
  original: string;
}

function write(ctx: Context, file: string, text: string): void {
  if (!ctx.touched.has(file)) ctx.touched.set(file, ctx.seeds.texts.get(file));
  writeFileSync(file, text);
}

function restore(ctx: Context): void {
  for (const [file, text] of ctx.touched) {
    if (text === undefined) rmSync(file, { force: true });
    else writeFileSync(file, text);
  }
  ctx.touched.clear();
}

const rel = (ctx: Context, file: string): string => relative(ctx.seeds.root, file);

async function definitionCase(ctx: Context, rnd: Random, file: string): Promise<CaseResult> {
  const definition = clone(ctx.seeds.definitions.get(file));
  if (!isTree(definition)) throw new Error(`internal: ${file} exports no object`);
  ctx.original = show(definition);
  const done: string[] = [];
  for (let i = 1 + int(rnd, 3); i > 0; i--) done.push(mutateTree(rnd, definition));
  ctx.where = `${rel(ctx, file)} (in memory): ${done.join("; ")}`;
  ctx.input = show(definition);
  return throughPipeline(ctx.seeds, fromMemory(ctx.seeds, new Map([[file, definition]])));
}

async function callSchemaCase(ctx: Context, rnd: Random): Promise<CaseResult> {
  const file = pick(rnd, ctx.seeds.schemaFiles);
  const original = ctx.seeds.texts.get(file) ?? "";
  ctx.original = original;
  let text: string;
  let schema: unknown;
  if (rnd() < 0.3) {
    text = mutateTextTimes(rnd, original, jsonTokens);
    try {
      schema = JSON.parse(text);
    } catch {
      schema = undefined;
    }
  } else {
    const tree = JSON.parse(original) as Tree;
    const done: string[] = [];
    for (let i = 1 + int(rnd, 3); i > 0; i--) done.push(mutateTree(rnd, tree, true));
    // JSON can only hold JSON: the schema as the file would have it.
    text = JSON.stringify(tree, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v), 2) ?? "";
    schema = JSON.parse(text === "" ? "null" : text);
    ctx.where = done.join("; ");
    // Written back in JSON.stringify's layout: unchanged means the same in that layout.
    ctx.original = JSON.stringify(JSON.parse(original), null, 2);
  }
  ctx.where = `${rel(ctx, file)}${ctx.where ? `: ${ctx.where}` : ""}`;
  ctx.input = text;
  const before = JSON.parse(original) as JsonSchema;
  if (schema !== null && typeof schema === "object" && !Array.isArray(schema)) {
    const after = schema as JsonSchema;
    diffRequestSchemas(before, after);
    diffRequestSchemas(after, before);
    diffRequestSchemas(after, after);
  }
  write(ctx, file, text);
  const result = await throughPipeline(ctx.seeds, fromMemory(ctx.seeds));
  if (result.model) {
    for (const env of result.model.environments) {
      const old = ctx.seeds.model.services.get(env.name) ?? [];
      const now = result.model.services.get(env.name) ?? [];
      diffCalls(
        old.flatMap((s) => s.calls),
        now.flatMap((s) => s.calls),
      );
    }
  }
  return result;
}

async function sqlCase(ctx: Context, rnd: Random): Promise<CaseResult> {
  const dir = pick(rnd, ctx.seeds.migrationDirs);
  const files = [...ctx.seeds.texts.keys()]
    .filter((f) => resolve(f, "..") === dir && f.endsWith(".sql"))
    .sort();
  const file = pick(rnd, files);
  const history = files
    .filter((f) => f < file)
    .map((f) => ({ name: basename(f), sql: ctx.seeds.texts.get(f) ?? "" }));
  const sql = mutateTextTimes(rnd, ctx.seeds.texts.get(file) ?? "", sqlTokens);
  ctx.where = rel(ctx, file);
  ctx.input = sql;
  ctx.original = ctx.seeds.texts.get(file) ?? "";
  const pending = [{ name: basename(file), sql }];
  const findings = await lintMigrations(pending, history);
  checkFindings(findings, pending);
  let outcome: Outcome = findings.some((f) => f.severity === "error") ? "located error" : "accepted";
  // A share goes through the loader too, under a mutated name now and then (Flyway's naming).
  if (rnd() < 0.3) {
    const name =
      rnd() < 0.5
        ? basename(file)
        : mutateText(rnd, basename(file), ["_", "__", "V", "R", ".", "1", "0", "-"]);
    const target = join(dir, name.replace(/[/\\\0]/g, "_") || "_");
    ctx.where = `${rel(ctx, target)} (from ${basename(file)})`;
    write(ctx, target, sql);
    const loaded = await throughPipeline(ctx.seeds, fromMemory(ctx.seeds));
    if (loaded.outcome === "located error") outcome = "located error";
  }
  return { outcome };
}

let imports = 0;
async function tsTextCase(ctx: Context, rnd: Random): Promise<CaseResult> {
  const file = pick(rnd, [ctx.seeds.config, ...ctx.seeds.serviceFiles]);
  const text = mutateTextTimes(rnd, ctx.seeds.texts.get(file) ?? "", tsTokens);
  // A file of its own beside the real one (same folder, so relative imports resolve alike):
  // the loader's module cache would otherwise hand back the first version, and one loader for
  // every case keeps `slipway` itself imported once.
  const copy = join(resolve(file, ".."), `.fuzz-${process.pid}-${imports++}.ts`);
  ctx.where = `${rel(ctx, file)} (imported as ${basename(copy)})`;
  ctx.input = text;
  ctx.original = ctx.seeds.texts.get(file) ?? "";
  write(ctx, copy, text);
  return throughPipeline(ctx.seeds, (f) =>
    f === file ? ctx.loader.importDefault(copy) : fromMemory(ctx.seeds)(f),
  );
}

async function runCase(ctx: Context, kind: Kind, rnd: Random): Promise<CaseResult> {
  switch (kind) {
    case "config":
      return definitionCase(ctx, rnd, ctx.seeds.config);
    case "service":
      return definitionCase(ctx, rnd, pick(rnd, ctx.seeds.serviceFiles));
    case "call-schema":
      return callSchemaCase(ctx, rnd);
    case "sql":
      return sqlCase(ctx, rnd);
    case "ts-text":
      return tsTextCase(ctx, rnd);
  }
}

// ---------------------------------------------------------------------------------------------
// Replays: inputs that once failed, stored as inputs (test/fixtures/fuzz-replays), so they stay
// the same whatever the generator draws for a case number after it changes.

/** A key path into a definition, one key a step (call names hold dots). */
export type KeyPath = readonly string[];

/** One edit of the example's definition, the way the harness mutates it. */
export type Edit =
  | { readonly at: KeyPath; readonly set: unknown }
  | { readonly at: KeyPath; readonly remove: true }
  /** A definition that contains itself: the value at `at` becomes the node at `ancestor`. */
  | { readonly at: KeyPath; readonly ancestor: KeyPath };

export interface Replay {
  /** What failed on it once, and how. */
  readonly crashed: string;
  /** The example's definition file (project-relative) the input replaces. */
  readonly file: string;
  readonly edits: readonly Edit[];
}

function applyEdit(root: Tree, edit: Edit): void {
  const parent = at(root, edit.at.slice(0, -1));
  const last = edit.at.at(-1);
  if (!isTree(parent) || last === undefined) throw new Error(`internal: no ${edit.at.join(".")} to edit`);
  const target = parent as Record<string, unknown>;
  if ("remove" in edit) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete target[last];
  } else target[last] = "set" in edit ? edit.set : at(root, edit.ancestor);
}

/** Runs a stored input through the loader, render and plan, as its case ran it. */
export async function replay(
  input: Replay,
): Promise<{ readonly input: string; readonly outcome?: Outcome; readonly error?: string }> {
  const loader = new DefinitionLoader();
  try {
    const seeds = await prepare(loader);
    const file = join(seeds.root, input.file);
    const definition = clone(seeds.definitions.get(file));
    if (!isTree(definition)) throw new Error(`${input.file} is no definition of the example`);
    for (const edit of input.edits) applyEdit(definition, edit);
    const shown = show(definition);
    try {
      const { outcome } = await throughPipeline(seeds, fromMemory(seeds, new Map([[file, definition]])));
      return { input: shown, outcome };
    } catch (error) {
      return { input: shown, error: describeError(error) };
    }
  } finally {
    await loader.close();
  }
}

const describeError = (error: unknown): string =>
  error instanceof Error
    ? `${error.constructor.name}: ${error.message}\n${(error.stack ?? "").split("\n").slice(1, 8).join("\n")}`
    : `a thrown ${typeof error}: ${show(error)}`;

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const loader = new DefinitionLoader();
  const zero = (): Record<Outcome, number> => ({ accepted: 0, "located error": 0 });
  const cases = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<Kind, number>;
  const outcomes = Object.fromEntries(kinds.map((k) => [k, zero()])) as Record<Kind, Record<Outcome, number>>;
  const unchanged = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<Kind, number>;
  const failures: Failure[] = [];
  try {
    const seeds = await prepare(loader);
    const ctx: Context = { seeds, loader, touched: new Map(), where: "", input: "", original: "" };
    const indices =
      options.only !== undefined ? [options.only] : Array.from({ length: options.runs }, (_, i) => i);
    for (const index of indices) {
      const rnd = caseRandom(options.seed, index);
      const kind = kindOf(rnd);
      cases[kind]++;
      ctx.where = "";
      ctx.input = "";
      ctx.original = "";
      let outcome: Outcome | undefined;
      try {
        outcome = (await runCase(ctx, kind, rnd)).outcome;
        outcomes[kind][outcome]++;
      } catch (error) {
        failures.push({ kind, index, where: ctx.where, input: ctx.input, error: describeError(error) });
      } finally {
        restore(ctx);
      }
      if (ctx.input === ctx.original) unchanged[kind]++;
      options.onCase?.({ kind, index, where: ctx.where, input: ctx.input, ...(outcome ? { outcome } : {}) });
      if (failures.length >= (options.maxFailures ?? 10)) break;
      options.progress?.(index + 1);
    }
  } finally {
    await loader.close();
  }
  return {
    seed: options.seed,
    runs: options.only !== undefined ? 1 : options.runs,
    cases,
    outcomes,
    unchanged,
    failures,
  };
}

export function formatReport(report: FuzzReport, command = "npm run fuzz --"): string {
  const lines = [`seed ${report.seed}, ${report.runs} cases`];
  for (const k of kinds)
    lines.push(
      `  ${k.padEnd(12)} ${String(report.cases[k]).padStart(6)} cases: ${report.outcomes[k].accepted} accepted, ${report.outcomes[k]["located error"]} located error, ${report.unchanged[k]} unchanged`,
    );
  lines.push(`unlocated errors: ${report.failures.length}`);
  for (const f of report.failures) {
    lines.push(
      "",
      `FAIL case ${f.index} (${f.kind}): ${command} --seed ${report.seed} --case ${f.index}`,
      `  where: ${f.where}`,
      `  error: ${f.error.replace(/\n/g, "\n  ")}`,
      `  input:\n    ${(f.input.length > 4000 ? `${f.input.slice(0, 4000)} ...` : f.input).replace(/\n/g, "\n    ")}`,
    );
  }
  return lines.join("\n");
}
