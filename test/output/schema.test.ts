import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateSchema, schemaFile } from "../../scripts/schema.ts";
import { expectDocument } from "../support/documents.ts";

describe("schema/slipway.v1.schema.json", () => {
  it("is what `npm run schema` generates from SlipwayDocument today", () => {
    // A change to any document type without `npm run schema` fails here, not at a user's.
    expect(readFileSync(schemaFile, "utf8")).toBe(generateSchema());
  }, 60_000);

  const status = {
    apiVersion: "slipway.dev/v1",
    kind: "Status",
    environment: "dev",
    namespace: "research-dev",
    services: [
      {
        service: "files",
        liveVersion: null,
        definedVersion: "1.4.0",
        upToDate: false,
        ready: "-",
        lastDeploy: null,
      },
    ],
  };

  it("takes a document of its kind", () => {
    expect(expectDocument(JSON.stringify(status), "Status").services[0]?.service).toBe("files");
  });

  it("refuses a document without apiVersion or kind, or of another version", () => {
    const { apiVersion: _a, ...noVersion } = status;
    expect(() => expectDocument(JSON.stringify(noVersion), "Status")).toThrow(/apiVersion/);
    const { kind: _k, ...noKind } = status;
    expect(() => expectDocument(JSON.stringify(noKind), "Status")).toThrow(/found kind undefined/);
    expect(() =>
      expectDocument(JSON.stringify({ ...status, apiVersion: "slipway.dev/v2" }), "Status"),
    ).toThrow(/apiVersion must be equal to constant/);
  });

  it("refuses a document that breaks its shape: a field missing, of the wrong type, or unknown", () => {
    const [row] = status.services;
    const { upToDate: _u, ...missing } = row ?? {};
    expect(() => expectDocument(JSON.stringify({ ...status, services: [missing] }), "Status")).toThrow(
      /must have required property 'upToDate'/,
    );
    expect(() =>
      expectDocument(JSON.stringify({ ...status, services: [{ ...row, upToDate: "no" }] }), "Status"),
    ).toThrow(/upToDate must be boolean/);
    expect(() => expectDocument(JSON.stringify({ ...status, extra: 1 }), "Status")).toThrow(
      /must NOT have additional properties/,
    );
    // A bare array, what status printed before documents.
    expect(() => expectDocument(JSON.stringify(status.services), "Status")).toThrow(/found kind undefined/);
  });
});
