import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareMappings } from "../../src/audit/compare.ts";
import { auditMapping } from "../../src/audit/mapping.ts";
import { planAuditCall } from "../../src/audit/plan.ts";
import { run } from "../../src/cli/run.ts";
import { captureOutput } from "../support/output.ts";

const request = (properties: Record<string, unknown>) => ({ type: "object", properties });

describe("the audit mapping of a request schema", () => {
  it("maps each JSON type to the field type Elasticsearch indexes it as", () => {
    const mapping = auditMapping(
      request({
        path: { type: "string" },
        at: { type: "string", format: "date-time" },
        size: { type: "integer" },
        ratio: { type: "number" },
        hidden: { type: "boolean" },
        tags: { type: "array", items: { type: "string" } },
        owner: { $ref: "#/$defs/owner" },
        note: { type: ["string", "null"] },
        anything: { type: "object" },
        either: { type: ["string", "integer"] },
      }),
    );
    expect(mapping.dynamic).toBe("false");
    expect(Object.keys(mapping.properties)).toEqual([
      "@timestamp",
      "call",
      "user",
      "status",
      "duration_ms",
      "version",
      "request",
    ]);
    expect(mapping.properties.request).toEqual({
      properties: {
        anything: { type: "object", enabled: false },
        at: { type: "date" },
        either: { type: "object", enabled: false },
        hidden: { type: "boolean" },
        note: { type: "keyword" },
        owner: { type: "object", enabled: false },
        path: { type: "keyword" },
        ratio: { type: "double" },
        size: { type: "long" },
        tags: { type: "keyword" },
      },
    });
  });

  it("follows local references, and maps a recursive type as an unindexed object", () => {
    const schema = {
      ...request({ owner: { $ref: "#/$defs/owner" } }),
      $defs: { owner: request({ id: { type: "integer" }, manager: { $ref: "#/$defs/owner" } }) },
    };
    expect(auditMapping(schema).properties.request).toEqual({
      properties: {
        owner: {
          properties: {
            id: { type: "long" },
            manager: { type: "object", enabled: false },
          },
        },
      },
    });
  });
});

describe("comparing a live mapping with the expected one", () => {
  const live = {
    request: { properties: { size: { type: "long" }, owner: { properties: { id: { type: "long" } } } } },
  };
  it("finds type conflicts, objects turned scalar, and fields to add in place", () => {
    const expected = {
      request: {
        properties: {
          size: { type: "keyword" },
          owner: { type: "keyword" },
          extra: { type: "boolean" },
        },
      },
    };
    expect(compareMappings(expected, live)).toEqual({
      conflicts: [
        { field: "request.size", live: "long", expected: "keyword" },
        { field: "request.owner", live: "object", expected: "keyword" },
      ],
      missing: ["request.extra"],
      extra: [],
    });
  });
  it("leaves fields no schema has any more alone", () => {
    expect(compareMappings({ request: { properties: { size: { type: "long" } } } }, live)).toEqual({
      conflicts: [],
      missing: [],
      extra: ["request.owner"],
    });
  });
  it("plans a first index when the server has none", () => {
    const plan = planAuditCall(
      "files",
      { name: "files.browse", audited: true, request: request({}) },
      undefined,
      "dev-",
    );
    expect(plan.change).toBe("create");
    expect(plan.names.alias).toBe("dev-http_logs_files.browse");
    expect(plan.templateVersion).toBe(1);
  });

  it("adds the version field in place to an index made before it was indexed", () => {
    const schema = request({ path: { type: "string" } });
    const { version: _indexedNow, ...before } = auditMapping(schema).properties;
    const plan = planAuditCall(
      "files",
      { name: "files.browse", audited: true, request: schema },
      {
        call: "files.browse",
        template: {
          version: 1,
          meta: { managed_by: "slipway" },
          patterns: [],
          mappings: { properties: before },
        },
        indices: ["http_logs_files.browse-2026.12.01-000001"],
        writeIndex: "http_logs_files.browse-2026.12.01-000001",
        writeMapping: { dynamic: "false", properties: before },
      },
    );
    expect([plan.change, plan.added, plan.templateVersion]).toEqual(["in-place", ["version"], 2]);
  });
});

describe("slipway calls diff --old --new", () => {
  const dir = mkdtempSync(join(tmpdir(), "calls-diff-"));
  const file = (name: string, schema: unknown): string => {
    writeFileSync(join(dir, name), JSON.stringify(schema));
    return join(dir, name);
  };
  const diff = async (...args: string[]) => {
    const out = captureOutput();
    const code = await run(["calls", "diff", ...args], out);
    return { code, stdout: out.stdout, stderr: out.stderr };
  };
  const v1 = file("v1.json", request({ size: { type: "integer" } }));

  it("exits 1 on a breaking change, naming the field and its pointer", async () => {
    const r = await diff("--old", v1, "--new", file("v2.json", request({ size: { type: "string" } })));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "BREAKING    size: type changed from integer to string  [type-changed at /properties/size]",
    );
  });
  it("exits 0 when every change is compatible", async () => {
    const r = await diff(
      "--old",
      v1,
      "--new",
      file("v3.json", request({ size: { type: "integer" }, tag: { type: "string" } })),
    );
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain("Every change is compatible.");
  });
  it("says plainly when a file is not JSON", async () => {
    writeFileSync(join(dir, "bad.json"), "{ nope");
    const r = await diff("--old", v1, "--new", join(dir, "bad.json"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--new ${join(dir, "bad.json")} is not a JSON Schema`);
  });
});
