import type { KubernetesObject } from "@kubernetes/client-node";

// A small YAML emitter for JSON-shaped values instead of a YAML library. The `yaml` library's
// stringify took 1.1-1.3 s for the 6.4 MB of 1,000 services; js-yaml's dump takes about 0.3 s
// but prints "1_000" and "0X1F" bare, which kubectl's reader (go-yaml) takes for numbers, and
// writes some multi-line strings (a line of only spaces after an indentation indicator) as
// literal blocks that the `yaml` library reads back differently. Here every string gets the
// plainest style that every reader agrees on: bare when it is unambiguously a string, a literal
// block for clean multi-line text, JSON's double quotes (valid YAML) for anything else.

/** Multi-document YAML; the same objects always give the same bytes. */
export function toYaml(objects: readonly KubernetesObject[]): string {
  try {
    return objects.map((o) => documentOf(o)).join("---\n");
  } finally {
    plainCache.clear(); // only for the length of one call: a library must not hold on to its input
  }
}

export function toJson(objects: readonly KubernetesObject[]): string {
  return JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }, null, 2) + "\n";
}

/** A file name for one object in `render --out DIR`. */
export function fileNameFor(object: KubernetesObject): string {
  return `${(object.kind ?? "object").toLowerCase()}-${object.metadata?.name ?? "unnamed"}.yaml`;
}

function documentOf(value: unknown): string {
  const v = jsonValue(value);
  if (isMap(v)) return mapping(v, "", "") || "{}\n";
  if (Array.isArray(v)) return v.length ? sequence(v, "", "") : "[]\n";
  return afterKey(v, "").slice(1);
}

type Mapping = Record<string, unknown>;
const isMap = (v: unknown): v is Mapping => typeof v === "object" && v !== null && !Array.isArray(v);

/** What JSON.stringify would write for the value: toJSON() applied (a Date becomes its ISO string). */
function jsonValue(v: unknown): unknown {
  if (typeof v === "object" && v !== null && typeof (v as { toJSON?: unknown }).toJSON === "function")
    return (v as { toJSON: () => unknown }).toJSON();
  return v;
}

// As in JSON: undefined, functions and symbols are left out of a mapping and are null in a sequence.
const omitted = (v: unknown): boolean => v === undefined || typeof v === "function" || typeof v === "symbol";

/**
 * A mapping's lines: the first starts with `first` ("- " in a sequence), the others with `indent`.
 * Empty when it has no value to write.
 */
function mapping(map: Mapping, indent: string, first: string): string {
  let out = "";
  for (const k of Object.keys(map)) {
    const v = jsonValue(map[k]);
    if (omitted(v)) continue;
    const lead = out === "" ? first : indent;
    // An implicit key is at most 1,024 characters; a longer one is written as an explicit "? key".
    out += k.length > 1024 ? `${lead}? ${quoted(k)}\n${indent}:` : `${lead}${key(k)}:`;
    out += afterKey(v, indent);
  }
  return out;
}

/** A non-empty sequence, indented like `mapping`. */
function sequence(items: readonly unknown[], indent: string, first: string): string {
  let out = "";
  const inner = indent + "  ";
  for (let i = 0; i < items.length; i++) {
    const raw = jsonValue(items[i]);
    const v = omitted(raw) ? null : raw;
    const lead = i === 0 ? first : indent;
    if (isMap(v)) out += mapping(v, inner, `${lead}- `) || `${lead}- {}\n`;
    else if (Array.isArray(v) && v.length) out += sequence(v, inner, `${lead}- `);
    else out += `${lead}-${afterKey(v, indent)}`;
  }
  return out;
}

/** What follows "key:" or "-": " scalar\n", or a line break and the nested block. */
function afterKey(v: unknown, indent: string): string {
  if (v === null) return " null\n";
  switch (typeof v) {
    case "string":
      return string(v, indent);
    case "number":
      return ` ${number(v)}\n`;
    case "boolean":
      return v ? " true\n" : " false\n";
    case "bigint":
      return ` ${v}\n`;
  }
  if (Array.isArray(v)) return v.length ? `\n${sequence(v, indent + "  ", indent + "  ")}` : " []\n";
  if (isMap(v)) {
    const nested = mapping(v, indent + "  ", indent + "  ");
    return nested ? `\n${nested}` : " {}\n";
  }
  throw new TypeError(`cannot write a ${typeof v} as YAML`);
}

function number(n: number): string {
  if (Number.isNaN(n)) return ".nan";
  if (!Number.isFinite(n)) return n > 0 ? ".inf" : "-.inf";
  if (Object.is(n, -0)) return "-0.0";
  const text = String(n);
  // "1e+21" is a string to YAML 1.1 readers (PyYAML): their floats need a dot.
  return text.includes("e") && !text.includes(".") ? text.replace("e", ".e") : text;
}

function key(k: string): string {
  return plain(k) ? k : quoted(k);
}

function string(s: string, indent: string): string {
  if (plain(s)) return ` ${s}\n`;
  if (s.includes("\n") && literalSafe(s)) return literal(s, indent + "  ");
  return ` ${quoted(s)}\n`;
}

// Bare only when it cannot be read as anything but this string: a conservative set of ASCII
// characters; no indicator first ("-" and "." only before another such character, as in
// "--run-script" or "./config", never "---" or "..."); a space or colon only inside and before
// another character (so never ": " or " #", nor white space at the ends).
const plainShape =
  /^(?:[A-Za-z0-9_/(]|[-.](?=[-A-Za-z0-9_./]))(?:[-A-Za-z0-9_./()@%^~+=,;*&!?|<>$'"[\]{}\\#]|[ :](?=[-A-Za-z0-9_./()@%^~+=,;*&!?|<>$'"[\]{}\\]))*$/;
const marker = /^(?:---|\.\.\.)/;
// Words that YAML 1.1 (and kubectl's go-yaml) or 1.2 read as a boolean, null, infinity or NaN, in any case.
const word = /^(?:y|n|yes|no|on|off|true|false|null|[-+]?\.inf|\.nan)$/i;
// Numbers in any reader's syntax, after dropping the underscores YAML 1.1 and go-yaml allow:
// Go's integers (0x, 0o, 0b, either case), floats (made wide: quoting more is harmless, so "e5"
// and "1." are included), YAML 1.1's sexagesimals (12:30) and timestamps (2001-12-14...).
const goInteger = /^[-+]?(?:0[xX][0-9a-fA-F]*|0[oO][0-7]*|0[bB][01]*|[0-9]+)$/;
const float = /^[-+]?[0-9]*\.?[0-9]*(?:[eE][-+]?[0-9]+)?$/;
const sexagesimal = /^[-+]?[0-9]+(?::[0-9]+)+(?:\.[0-9]*)?$/;
const timestamp = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;

const numberFirst = /^[-+.0-9eE]/;

// The same keys and label values come back in every object: deciding once per call about each
// short string halves the time the regular expressions take.
const plainCache = new Map<string, boolean>();

function plain(s: string): boolean {
  let known = plainCache.get(s);
  if (known === undefined) {
    known = plainShape.test(s) && !marker.test(s) && !word.test(s) && !(numberFirst.test(s) && numeric(s));
    if (s.length <= 256) plainCache.set(s, known);
  }
  return known;
}

function numeric(s: string): boolean {
  const digits = s.replaceAll("_", "");
  return goInteger.test(digits) || float.test(digits) || sexagesimal.test(digits) || timestamp.test(s);
}

// A literal block only for text every reader reads back the same: printable characters (no
// carriage return, nor the line and paragraph separators YAML 1.1 breaks lines at), no white space
// at the end of a line (which readers disagree on), and a first character that is not white
// space, so no indentation indicator is needed.
const literalUnsafe =
  /[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]|[ \t]\n|[ \t]$|^[\s]/u;

function literalSafe(s: string): boolean {
  const body = s.replace(/\n+$/, "");
  return body !== "" && !literalUnsafe.test(body);
}

function literal(s: string, indent: string): string {
  const body = s.replace(/\n+$/, "");
  const trailing = s.length - body.length;
  // Chomping: "|-" no final line break, "|" one, "|+" keeps them all.
  let out = trailing === 0 ? " |-\n" : trailing === 1 ? " |\n" : " |+\n";
  for (const line of body.split("\n")) out += line === "" ? "\n" : `${indent}${line}\n`;
  return out + "\n".repeat(Math.max(0, trailing - 1));
}

// JSON's string syntax is YAML's double-quoted style; also escape what YAML does not allow raw or
// what YAML 1.1 takes for a line break (NEL, LS, PS), DEL, the C1 controls and the byte-order mark.
const unprintable = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;
function quoted(s: string): string {
  return JSON.stringify(s).replace(unprintable, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
