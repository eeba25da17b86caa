import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { KubernetesObject } from "@kubernetes/client-node";
import { parse, parseAllDocuments } from "yaml";
import { toYaml } from "../../src/render/serialize.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Both readers: YAML 1.2 (the `yaml` library's default) and YAML 1.1, whose booleans (yes, on),
// underscores in numbers (1_000) and sexagesimals (12:30) are what kubectl's go-yaml reader
// accepts too. A string must come back a string from either.
const readBack = (text: string): unknown[] =>
  ["1.2", "1.1"].flatMap((version) =>
    parseAllDocuments(text, { version: version === "1.1" ? "1.1" : "1.2" }).map((d) => {
      if (d.errors.length) throw new Error(`YAML ${version}: ${d.errors.map((e) => e.message).join("; ")}`);
      return d.toJS() as unknown;
    }),
  );

const tricky = [
  ...["yes", "no", "on", "off", "y", "n", "Y", "NO", "True", "FALSE", "null", "Null", "~", ""],
  ...["0123", "1e3", "1E3", "0x1F", "0X1F", "0o17", "0O17", "0b101", "0B101", "1_000", "+.5", "-.5", ".5"],
  ...["+1", "-1", "1.0", "1.", ".inf", "-.Inf", ".nan", "12:30", "1:20:30", "2001-12-14", "08", "0777"],
  ...[":", "#", "a #b", "a: b", "a:b", "- x", "-", "---", "...", "? x", "|", ">", "{a}", "[a]", "*x", "&x"],
  ...["!x", "%x", "@x", "`x", "'q'", '"dq"', "<<", "=", ",", "  leading", "trailing ", " ", "\t", "a\tb"],
  ...["a\nb", "a\nb\n", "a\n\nb\n\n", "\n", "\n\n", " a\nb", "a\n b", "x\n  y\n", "a \nb", "a\r\nb", "\r"],
  ...[
    "--run-script",
    "-x",
    "-.inf",
    "-",
    "--",
    "---x",
    "...x",
    ".env",
    "./config",
    "a#b",
    "a;b",
    "0 3 * * *",
  ],
  ...[
    "é ü 日本 🚀",
    "\ud800",
    "\udc00x",
    "\u0085",
    "\u2028",
    "\u2029",
    "\ufeffx",
    "\u0000",
    "\u007f",
    "\u00a0",
    "key: |\n  x",
  ],
];

const string = fc.oneof(
  fc.constantFrom(...tricky),
  fc.string({ unit: "binary", maxLength: 16 }),
  // A soup of the characters that make YAML's choices: indicators, white space, line breaks,
  // digits and number signs, so block literals and near-numbers come up often.
  fc.string({
    unit: fc.constantFrom(..."a \n\t#:-'\"\r\u2028é01_.+eExX~|>?!&*"),
    maxLength: 12,
  }),
);
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const dictionary = <T>(value: fc.Arbitrary<T>) =>
  fc.dictionary(string, value, { maxKeys: 5, noNullPrototype: true });

const { json } = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    number,
    string,
    fc.array(tie("json"), { maxLength: 4 }),
    dictionary(tie("json")),
  ),
}));

// Shaped like what render builds: strings in metadata and data, anything JSON under spec.
const kubernetesLike: fc.Arbitrary<KubernetesObject> = fc.record(
  {
    apiVersion: fc.constantFrom("v1", "apps/v1", "batch/v1", "networking.k8s.io/v1"),
    kind: fc.constantFrom("ConfigMap", "Deployment", "Service", "CronJob"),
    metadata: fc.record(
      {
        name: string,
        namespace: string,
        labels: dictionary(string),
        annotations: dictionary(string),
      },
      { requiredKeys: ["name"] },
    ),
    data: dictionary(string),
    spec: json,
  },
  { requiredKeys: ["apiVersion", "kind", "metadata"] },
);

describe("toYaml", () => {
  it("gives YAML that reads back as exactly the same objects (YAML 1.2 and 1.1)", () => {
    fc.assert(
      fc.property(fc.array(kubernetesLike, { minLength: 1, maxLength: 3 }), (objects) => {
        const text = toYaml(objects);
        expect(readBack(text)).toEqual([...objects, ...objects]);
        expect(parse(toYaml([objects[0]!]))).toEqual(objects[0]);
      }),
      // YAML_RUNS=30000 for a longer search after a change to the emitter.
      { numRuns: Number(process.env.YAML_RUNS ?? 1000) },
    );
  });

  it("keeps the tricky strings strings, as values, keys and list items", () => {
    const object = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "tricky", labels: Object.fromEntries(tricky.map((s) => [s, s])) },
      data: Object.fromEntries(tricky.map((s, i) => [`k${i}`, s])),
      list: tricky,
    };
    expect(readBack(toYaml([object]))).toEqual([object, object]);
  });

  it("quotes what YAML 1.1 and kubectl read as a boolean or a number, and leaves plain text bare", () => {
    const line = (value: string): string => toYaml([{ v: value } as KubernetesObject]).trimEnd();
    const ambiguous = [
      "yes",
      "on",
      "n",
      "0123",
      "1e3",
      "1_000",
      "0X1F",
      "0B101",
      "+.5",
      "12:30",
      "null",
      "~",
    ];
    for (const s of ambiguous) expect(line(s), s).toMatch(/^v: "[^"]*"$/);
    const bare = [
      ...["info", "100m", "128Mi", "25%", "http://svc-1", "1.4.0", "127.0.0.1:25000/research/files:1.4.0"],
      ...["--run-script", "./config/files.yaml", "storage=100Gi;cpu-hours=1000", "0 3 * * *", "a b"],
    ];
    for (const s of bare) expect(line(s)).toBe(`v: ${s}`);
  });

  it("writes what JSON.stringify would: Dates as ISO strings, undefined left out of maps and null in lists", () => {
    const object = {
      kind: "X",
      at: new Date(Date.UTC(2026, 0, 2)),
      gone: undefined,
      list: [undefined, 1],
      empty: {},
      none: [],
      nested: { only: undefined },
    };
    const text = toYaml([object as unknown as KubernetesObject]);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(object)));
    expect(text).toBe(
      'kind: X\nat: "2026-01-02T00:00:00.000Z"\nlist:\n  - null\n  - 1\nempty: {}\nnone: []\nnested: {}\n',
    );
  });

  it("writes a key longer than YAML's 1,024-character limit for implicit keys as an explicit key", () => {
    const long = "k".repeat(2000);
    const object = { data: { [long]: "v", short: { [long]: ["a"] } } } as unknown as KubernetesObject;
    expect(readBack(toYaml([object]))).toEqual([object, object]);
  });

  it("writes multi-line strings as literal blocks, so config files stay readable", () => {
    const text = toYaml([{ data: { "app.yaml": "name: files\nmode: fast\n" } } as KubernetesObject]);
    expect(text).toBe("data:\n  app.yaml: |\n    name: files\n    mode: fast\n");
  });

  it("is deterministic: the same objects give the same bytes, copied or not", () => {
    fc.assert(
      fc.property(fc.array(kubernetesLike, { minLength: 1, maxLength: 3 }), (objects) => {
        const text = toYaml(objects);
        expect(toYaml(objects)).toBe(text);
        expect(toYaml(structuredClone(objects))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it("separates documents with --- and writes an object used twice twice (no anchors)", () => {
    const labels = { app: "x" };
    const text = toYaml([
      { kind: "A", metadata: { labels }, spec: { selector: { matchLabels: labels } } },
      { kind: "B" },
    ] as KubernetesObject[]);
    expect(text).toBe(
      "kind: A\nmetadata:\n  labels:\n    app: x\nspec:\n  selector:\n    matchLabels:\n      app: x\n---\nkind: B\n",
    );
  });
});
