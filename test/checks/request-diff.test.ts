import { describe, expect, it } from "vitest";
import type { CallContract, JsonSchema } from "../../src/definitions/model.ts";
import { diffCalls, diffRequestSchemas, hasBreaking } from "../../src/checks/calls/request-diff.ts";
import { requestSchemaProblems } from "../../src/checks/calls/schema-problems.ts";

/** An object request with the given properties and required names. */
const request = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: "object",
  properties,
  ...(required.length > 0 ? { required } : {}),
});

const base = request({ path: { type: "string" }, size: { type: "integer" } }, ["path"]);
const withSize = (size: JsonSchema): JsonSchema => request({ path: { type: "string" }, size }, ["path"]);

const summary = (oldSchema: JsonSchema, newSchema: JsonSchema) =>
  diffRequestSchemas(oldSchema, newSchema).map((c) => [c.kind, c.severity, c.pointer]);

/** Each case makes exactly one change. */
const cases: [
  name: string,
  oldSchema: JsonSchema,
  newSchema: JsonSchema,
  kind: string,
  severity: "breaking" | "compatible",
  pointer: string,
][] = [
  [
    "field removed",
    base,
    request({ path: { type: "string" } }, ["path"]),
    "field-removed",
    "breaking",
    "/properties/size",
  ],
  ["type changed", base, withSize({ type: "string" }), "type-changed", "breaking", "/properties/size"],
  [
    "integer widened to number",
    base,
    withSize({ type: "number" }),
    "type-changed",
    "compatible",
    "/properties/size",
  ],
  [
    "number narrowed to integer",
    withSize({ type: "number" }),
    base,
    "type-changed",
    "breaking",
    "/properties/size",
  ],
  [
    "object became a scalar",
    withSize({ type: "object", properties: { bytes: { type: "integer" } } }),
    withSize({ type: "integer" }),
    "type-changed",
    "breaking",
    "/properties/size",
  ],
  [
    "nullable removed",
    withSize({ type: ["integer", "null"] }),
    base,
    "nullable-removed",
    "breaking",
    "/properties/size",
  ],
  [
    "nullable added",
    base,
    withSize({ type: ["integer", "null"] }),
    "nullable-added",
    "compatible",
    "/properties/size",
  ],
  [
    "OpenAPI nullable removed",
    withSize({ type: "integer", nullable: true }),
    base,
    "nullable-removed",
    "breaking",
    "/properties/size",
  ],
  [
    "optional field became required",
    base,
    request({ path: { type: "string" }, size: { type: "integer" } }, ["path", "size"]),
    "became-required",
    "breaking",
    "/properties/size",
  ],
  [
    "required field became optional",
    base,
    request({ path: { type: "string" }, size: { type: "integer" } }),
    "became-optional",
    "compatible",
    "/properties/path",
  ],
  [
    "required field added",
    base,
    request({ path: { type: "string" }, size: { type: "integer" }, owner: { type: "string" } }, [
      "path",
      "owner",
    ]),
    "required-field-added",
    "breaking",
    "/properties/owner",
  ],
  [
    "optional field added",
    base,
    request({ path: { type: "string" }, size: { type: "integer" }, owner: { type: "string" } }, ["path"]),
    "optional-field-added",
    "compatible",
    "/properties/owner",
  ],
  [
    "enum value removed",
    withSize({ type: "integer", enum: [1, 2, 3] }),
    withSize({ type: "integer", enum: [1, 2] }),
    "enum-value-removed",
    "breaking",
    "/properties/size",
  ],
  [
    "enum value added",
    withSize({ type: "integer", enum: [1, 2] }),
    withSize({ type: "integer", enum: [1, 2, 3] }),
    "enum-value-added",
    "compatible",
    "/properties/size",
  ],
  [
    "enum added",
    base,
    withSize({ type: "integer", enum: [1, 2] }),
    "enum-added",
    "breaking",
    "/properties/size",
  ],
  [
    "enum removed",
    withSize({ type: "integer", enum: [1, 2] }),
    base,
    "enum-removed",
    "compatible",
    "/properties/size",
  ],
  [
    "maxLength decreased",
    request({ path: { type: "string", maxLength: 200 } }),
    request({ path: { type: "string", maxLength: 100 } }),
    "max-length-decreased",
    "breaking",
    "/properties/path",
  ],
  [
    "maxLength increased",
    request({ path: { type: "string", maxLength: 100 } }),
    request({ path: { type: "string", maxLength: 200 } }),
    "max-length-increased",
    "compatible",
    "/properties/path",
  ],
  [
    "minLength increased",
    request({ path: { type: "string", minLength: 1 } }),
    request({ path: { type: "string", minLength: 3 } }),
    "min-length-increased",
    "breaking",
    "/properties/path",
  ],
  [
    "maxLength added",
    request({ path: { type: "string" } }),
    request({ path: { type: "string", maxLength: 100 } }),
    "max-length-added",
    "breaking",
    "/properties/path",
  ],
  [
    "maximum decreased",
    withSize({ type: "integer", maximum: 100 }),
    withSize({ type: "integer", maximum: 10 }),
    "maximum-decreased",
    "breaking",
    "/properties/size",
  ],
  [
    "minimum increased",
    withSize({ type: "integer", minimum: 0 }),
    withSize({ type: "integer", minimum: 1 }),
    "minimum-increased",
    "breaking",
    "/properties/size",
  ],
  [
    "minimum decreased",
    withSize({ type: "integer", minimum: 1 }),
    withSize({ type: "integer", minimum: 0 }),
    "minimum-decreased",
    "compatible",
    "/properties/size",
  ],
  [
    "maximum removed",
    withSize({ type: "integer", maximum: 100 }),
    base,
    "maximum-removed",
    "compatible",
    "/properties/size",
  ],
  [
    "maxItems decreased",
    request({ tags: { type: "array", maxItems: 10 } }),
    request({ tags: { type: "array", maxItems: 5 } }),
    "max-items-decreased",
    "breaking",
    "/properties/tags",
  ],
  [
    "minItems increased",
    request({ tags: { type: "array" } }),
    request({ tags: { type: "array", minItems: 1 } }),
    "min-items-added",
    "breaking",
    "/properties/tags",
  ],
  [
    "pattern added",
    request({ path: { type: "string" } }),
    request({ path: { type: "string", pattern: "^/" } }),
    "pattern-added",
    "breaking",
    "/properties/path",
  ],
  [
    "pattern changed",
    request({ path: { type: "string", pattern: "^/" } }),
    request({ path: { type: "string", pattern: "^/data/" } }),
    "pattern-changed",
    "breaking",
    "/properties/path",
  ],
  [
    "pattern removed",
    request({ path: { type: "string", pattern: "^/" } }),
    request({ path: { type: "string" } }),
    "pattern-removed",
    "compatible",
    "/properties/path",
  ],
  [
    "format added",
    request({ path: { type: "string" } }),
    request({ path: { type: "string", format: "uri" } }),
    "format-added",
    "breaking",
    "/properties/path",
  ],
  [
    "format changed",
    request({ path: { type: "string", format: "uri" } }),
    request({ path: { type: "string", format: "uuid" } }),
    "format-changed",
    "breaking",
    "/properties/path",
  ],
  [
    "format removed",
    request({ path: { type: "string", format: "uri" } }),
    request({ path: { type: "string" } }),
    "format-removed",
    "compatible",
    "/properties/path",
  ],
  [
    "additional properties disallowed",
    base,
    { ...base, additionalProperties: false },
    "additional-properties-disallowed",
    "breaking",
    "",
  ],
  [
    "additional properties allowed",
    { ...base, additionalProperties: false },
    base,
    "additional-properties-allowed",
    "compatible",
    "",
  ],
  [
    "anyOf added (not analysed)",
    withSize({ type: "integer" }),
    withSize({ type: "integer", anyOf: [{ minimum: 0 }, { maximum: -10 }] }),
    "unanalysed-keyword-added",
    "breaking",
    "/properties/size",
  ],
  [
    "multipleOf relaxed to a divisor",
    withSize({ type: "integer", multipleOf: 6 }),
    withSize({ type: "integer", multipleOf: 3 }),
    "multiple-of-changed",
    "compatible",
    "/properties/size",
  ],
];

describe("diffRequestSchemas", () => {
  it.each(cases)("%s", (_name, oldSchema, newSchema, kind, severity, pointer) => {
    expect(summary(oldSchema, newSchema)).toEqual([[kind, severity, pointer]]);
  });

  it("finds no change between identical schemas, whatever their key order", () => {
    expect(diffRequestSchemas(base, base)).toEqual([]);
    const reordered: JsonSchema = {
      required: ["path"],
      properties: { size: { type: "integer" }, path: { type: "string" } },
      type: "object",
    };
    expect(diffRequestSchemas(base, reordered)).toEqual([]);
  });

  it("writes a human message naming the field", () => {
    const [change] = diffRequestSchemas(base, withSize({ type: "string" }));
    expect(change).toEqual({
      kind: "type-changed",
      severity: "breaking",
      pointer: "/properties/size",
      field: "size",
      message: "size: type changed from integer to string",
    });
  });

  it("recurses into nested objects", () => {
    const before = request({ owner: request({ id: { type: "string" }, name: { type: "string" } }) });
    const after = request({ owner: request({ id: { type: "integer" } }, ["id"]) });
    expect(diffRequestSchemas(before, after).map((c) => [c.kind, c.pointer, c.field])).toEqual([
      ["became-required", "/properties/owner/properties/id", "owner.id"],
      ["type-changed", "/properties/owner/properties/id", "owner.id"],
      ["field-removed", "/properties/owner/properties/name", "owner.name"],
    ]);
  });

  it("does not report the fields of an object that became a scalar", () => {
    const before = request({ owner: request({ id: { type: "string" } }, ["id"]) });
    const after = request({ owner: { type: "string" } });
    expect(summary(before, after)).toEqual([["type-changed", "breaking", "/properties/owner"]]);
  });

  it("recurses into array items", () => {
    const before = request({ tags: { type: "array", items: { type: "string", maxLength: 20 } } });
    const after = request({ tags: { type: "array", items: { type: "string", maxLength: 10 } } });
    expect(diffRequestSchemas(before, after).map((c) => [c.kind, c.pointer, c.field, c.message])).toEqual([
      ["max-length-decreased", "/properties/tags/items", "tags[]", "tags[]: maxLength changed from 20 to 10"],
    ]);

    const objects = (id: JsonSchema) => request({ files: { type: "array", items: request({ id }) } });
    expect(
      diffRequestSchemas(objects({ type: "integer" }), objects({ type: "number" })).map((c) => [
        c.kind,
        c.severity,
        c.pointer,
        c.field,
      ]),
    ).toEqual([["type-changed", "compatible", "/properties/files/items/properties/id", "files[].id"]]);
  });

  it("treats items added to an array that accepted anything as a narrowing", () => {
    expect(
      summary(
        request({ tags: { type: "array" } }),
        request({ tags: { type: "array", items: { type: "string" } } }),
      ),
    ).toEqual([["type-changed", "breaking", "/properties/tags/items"]]);
  });

  it("compares the schema of additional properties", () => {
    const labels = (value: JsonSchema) =>
      request({ labels: { type: "object", additionalProperties: value } });
    const [change] = diffRequestSchemas(labels({ type: "string" }), labels({ type: "integer" }));
    expect(change).toMatchObject({
      kind: "type-changed",
      severity: "breaking",
      pointer: "/properties/labels/additionalProperties",
      field: "labels.*",
    });
  });

  it("resolves local $refs in #/definitions and #/$defs, pointing into the definition", () => {
    const before: JsonSchema = {
      ...request({ owner: { $ref: "#/definitions/owner" } }),
      definitions: { owner: request({ id: { type: "string" } }) },
    };
    const after: JsonSchema = {
      ...request({ owner: { $ref: "#/$defs/person" } }),
      $defs: { person: request({ id: { type: "string", format: "uuid" } }) },
    };
    expect(diffRequestSchemas(before, after).map((c) => [c.kind, c.pointer, c.field])).toEqual([
      ["format-added", "/$defs/person/properties/id", "owner.id"],
    ]);
  });

  it("finds no change when a field moves into a definition unchanged", () => {
    const inline = request({ owner: request({ id: { type: "string" } }) });
    const referenced: JsonSchema = {
      ...request({ owner: { $ref: "#/$defs/owner" } }),
      $defs: { owner: request({ id: { type: "string" } }) },
    };
    expect(diffRequestSchemas(inline, referenced)).toEqual([]);
  });

  it("stops at recursive $refs", () => {
    const tree = (childType: string): JsonSchema => ({
      $ref: "#/$defs/node",
      $defs: {
        node: request({
          name: { type: childType },
          children: { type: "array", items: { $ref: "#/$defs/node" } },
        }),
      },
    });
    expect(diffRequestSchemas(tree("string"), tree("string"))).toEqual([]);
    expect(summary(tree("string"), tree("integer"))).toEqual([
      ["type-changed", "breaking", "/$defs/node/properties/name"],
    ]);
  });

  it("treats an unresolvable $ref as breaking unless it did not change", () => {
    const owner = (ref: string) => request({ owner: { $ref: ref } });
    expect(
      diffRequestSchemas(owner("https://example.org/owner.json"), owner("https://example.org/owner.json")),
    ).toEqual([]);
    expect(summary(owner("#/$defs/missing"), owner("#/$defs/other"))).toEqual([
      ["unresolved-ref", "breaking", "/properties/owner"],
    ]);
  });

  it("orders changes by pointer, then kind", () => {
    const before = request({
      b: { type: "string" },
      a: { type: "string" },
      c: { type: "integer", enum: [1, 2] },
    });
    const after = request({
      a: { type: "integer" },
      c: { type: "integer", enum: [3] },
      d: { type: "string" },
    });
    expect(summary(before, after)).toEqual([
      ["type-changed", "breaking", "/properties/a"],
      ["field-removed", "breaking", "/properties/b"],
      ["enum-value-added", "compatible", "/properties/c"],
      ["enum-value-removed", "breaking", "/properties/c"],
      ["enum-value-removed", "breaking", "/properties/c"],
      ["optional-field-added", "compatible", "/properties/d"],
    ]);
  });
});

describe("diffCalls", () => {
  const call = (name: string, request: JsonSchema): CallContract => ({ name, audited: true, request });

  it("lists added, removed and changed calls", () => {
    const before = [call("files.browse", base), call("files.delete", base), call("files.stat", base)];
    const after = [
      call("files.stat", base),
      call("files.browse", withSize({ type: "string" })),
      call("files.copy", base),
    ];
    const diff = diffCalls(before, after);
    expect(diff.added).toEqual(["files.copy"]);
    expect(diff.removed).toEqual(["files.delete"]);
    expect(diff.changed.map((c) => [c.call, c.changes.map((change) => change.kind)])).toEqual([
      ["files.browse", ["type-changed"]],
    ]);
    expect(hasBreaking(diff)).toBe(true);
  });

  it("counts a removed call as breaking and an added call as not", () => {
    expect(hasBreaking(diffCalls([call("files.browse", base)], []))).toBe(true);
    expect(hasBreaking(diffCalls([], [call("files.browse", base)]))).toBe(false);
  });

  it("is not breaking when every change is compatible", () => {
    const diff = diffCalls(
      [call("files.browse", base)],
      [call("files.browse", withSize({ type: "number" }))],
    );
    expect(diff.changed).toHaveLength(1);
    expect(hasBreaking(diff)).toBe(false);
    expect(diffCalls([call("files.browse", base)], [call("files.browse", base)])).toEqual({
      added: [],
      removed: [],
      changed: [],
    });
  });
});

describe("what a request schema says by accident", () => {
  it("an empty pattern is no pattern: adding, removing or keeping one changes nothing", () => {
    const plain = request({ path: { type: "string" } });
    const empty = request({ path: { type: "string", pattern: "" } });
    expect(summary(plain, empty)).toEqual([]);
    expect(summary(empty, plain)).toEqual([]);
    expect(summary(empty, request({ path: { type: "string", pattern: "^/" } }))).toEqual([
      ["pattern-added", "breaking", "/properties/path"],
    ]);
  });

  it('required: [""] names no field: the diff sees none, and the schema check reports it', () => {
    expect(
      summary(base, request({ path: { type: "string" }, size: { type: "integer" } }, ["path", ""])),
    ).toEqual([]);
    expect(
      requestSchemaProblems({
        type: "object",
        required: [""],
        properties: {
          "a/b": { type: "object", required: [1] },
          tags: { type: "array", items: { required: [""] } },
        },
      }),
    ).toEqual([
      {
        pointer: "/required/0",
        message:
          'required lists "", which is no field name: give the name of a property, or remove the entry',
      },
      {
        pointer: "/properties/a~1b/required/0",
        message: "required lists 1, which is no field name: give the name of a property, or remove the entry",
      },
      {
        pointer: "/properties/tags/items/required/0",
        message:
          'required lists "", which is no field name: give the name of a property, or remove the entry',
      },
    ]);
    // A property called "required" is a field, not the keyword.
    expect(requestSchemaProblems(request({ required: { type: "boolean" } }, ["required"]))).toEqual([]);
  });
});
