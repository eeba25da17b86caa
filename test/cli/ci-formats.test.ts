import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { expectDocument } from "../support/documents.ts";
import { runSlipway } from "../support/slipway-bin.ts";

/**
 * The CI formats of `migrations check` and `calls diff`, through the binary as a CI job runs it:
 * in the repository's folder, paths relative to it, so annotations land on the pull request's
 * files and lines. No server is needed.
 */

// The official schema (oasis-tcs/sarif-spec, sarif-2.1/schema) is draft-04, which ajv 8 does
// not load; it uses no keyword whose meaning changed since (no boolean exclusiveMinimum), so
// without its draft-04 `$schema` and `id` it compiles as draft-07 and means the same.
function sarifValidator(): ValidateFunction {
  const schema = JSON.parse(
    readFileSync(join(import.meta.dirname, "..", "fixtures", "sarif-schema-2.1.0.json"), "utf8"),
  ) as Record<string, unknown>;
  delete schema.$schema;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

// A repository with migrations in a folder whose name needs escaping in a workflow command.
const repo = mkdtempSync(join(tmpdir(), "slipway-ci-formats-"));
const folder = "db/mig,rations:1";
mkdirSync(join(repo, folder), { recursive: true });
const write = (path: string, text: string): void => writeFileSync(join(repo, path), text);
write(`${folder}/V1__create.sql`, "CREATE TABLE t (id int PRIMARY KEY, name text, note text, size int);\n");
write(
  `${folder}/V2__change.sql`,
  [
    "-- café ☕: the byte offsets Postgres gives are not character columns",
    "SET lock_timeout = '5s'; SELECT 'é☕'; ALTER TABLE t DROP COLUMN name;",
    "",
    "-- slipway:allow ban-drop-column reason: nobody reads note, 100% sure",
    "ALTER TABLE t DROP COLUMN note;",
    "ALTER TABLE t ALTER COLUMN size TYPE bigint;",
    "",
  ].join("\n"),
);
write(`${folder}/V3__clean.sql`, "SET lock_timeout = '5s';\nCREATE TABLE u (id int);\n");
const change = `${folder}/V2__change.sql`;

const check = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  runSlipway(["migrations", "check", folder, ...args], {
    cwd: repo,
    env: { GITHUB_STEP_SUMMARY: "", ...env },
  });

describe("slipway migrations check in CI", () => {
  it("--format json is a MigrationCheck document (-o json too), with counts", async () => {
    const r = await check(["--format", "json"]);
    expect(r.code).toBe(1);
    // Validated against the schema the package ships, as the document of its kind.
    const doc = expectDocument(r.stdout, "MigrationCheck");
    expect(doc).toMatchObject({ apiVersion: "slipway.dev/v1", kind: "MigrationCheck" });
    expect(doc.findings.map((f) => [f.rule, f.file, f.line, f.column, f.suppressed])).toEqual([
      ["ban-drop-column", change, 2, 51, undefined],
      ["ban-drop-column", change, 5, 13, "nobody reads note, 100% sure"],
      ["changing-column-type", change, 6, 13, undefined],
    ]);
    expect(doc.counts).toEqual({ errors: 1, warnings: 1, suppressed: 1 });
    expect(JSON.parse((await check(["-o", "json"])).stdout)).toEqual(doc);
  });

  it("--format sarif validates against SARIF 2.1.0 and points at the file and line", async () => {
    const r = await check(["--format", "sarif"]);
    expect(r.code).toBe(1);
    const log: unknown = JSON.parse(r.stdout);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // The validator does refuse what SARIF forbids: a driver without a name, a level it lacks.
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(
      validate({
        version: "2.1.0",
        runs: [{ tool: { driver: { name: "x" } }, results: [{ message: { text: "m" }, level: "fatal" }] }],
      }),
    ).toBe(false);
    const { runs } = log as {
      runs: {
        tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string } }[] } };
        results: {
          ruleId: string;
          level: string;
          locations: {
            physicalLocation: {
              artifactLocation: { uri: string };
              region: { startLine: number; startColumn: number };
            };
          }[];
          suppressions?: { justification: string }[];
        }[];
      }[];
    };
    const run = runs[0];
    expect(run?.tool.driver.name).toBe("slipway");
    expect(run?.tool.driver.rules.map((rule) => rule.id)).toEqual([
      "ban-drop-column",
      "changing-column-type",
    ]);
    expect(
      run?.results.map((x) => {
        const place = x.locations[0]?.physicalLocation;
        return [
          x.ruleId,
          x.level,
          place?.artifactLocation.uri,
          place?.region.startLine,
          place?.region.startColumn,
        ];
      }),
    ).toEqual([
      ["ban-drop-column", "error", "db/mig,rations:1/V2__change.sql", 2, 51],
      ["ban-drop-column", "error", "db/mig,rations:1/V2__change.sql", 5, 13],
      ["changing-column-type", "warning", "db/mig,rations:1/V2__change.sql", 6, 13],
    ]);
    expect(run?.results[1]?.suppressions).toEqual([
      { kind: "inSource", justification: "nobody reads note, 100% sure" },
    ]);
    expect(run?.results[0]?.suppressions).toBeUndefined();
  });

  it("--format github prints one escaped workflow command per finding, and the summary has them all", async () => {
    const summary = join(repo, "summary.md");
    writeFileSync(summary, "# earlier step\n");
    const r = await check(["--format", "github"], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    const file = "file=db/mig%2Crations%3A1/V2__change.sql";
    expect(r.stdout.split("\n").filter(Boolean)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::error ${file},line=2,col=51,title=ban-drop-column::dropping t\\.name .*%0Afix: contract`,
        ),
      ),
      `::notice ${file},line=5,col=13,title=ban-drop-column::dropping t.note breaks the running version wherever it reads or writes note (suppressed: nobody reads note, 100%25 sure)`,
      expect.stringMatching(new RegExp(`^::warning ${file},line=6,col=13,title=changing-column-type::`)),
    ]);
    expect(r.stderr).toContain("1 error(s), 1 warning(s), 1 suppressed");
    const markdown = readFileSync(summary, "utf8");
    expect(markdown).toMatch(
      /^# earlier step\n### slipway migrations check: 1 error\(s\), 1 warning\(s\), 1 suppressed\n/,
    );
    expect(markdown).toContain(`| error | ban-drop-column | ${change}:2:51 | dropping t.name`);
    expect(markdown).toContain(`| suppressed (error) | ban-drop-column | ${change}:5:13 |`);
    expect(markdown).toContain("suppressed: nobody reads note, 100% sure");
    expect(markdown).toContain(`| warning | changing-column-type | ${change}:6:13 |`);
  });

  it("the step summary lists every finding, past the 10 annotations GitHub shows", async () => {
    const many = join(repo, "many");
    mkdirSync(many);
    writeFileSync(
      join(many, "V1__create.sql"),
      "CREATE TABLE t (id int, " + Array.from({ length: 12 }, (_, i) => `c${i} int`).join(", ") + ");\n",
    );
    writeFileSync(
      join(many, "V2__drop.sql"),
      "SET lock_timeout = '5s';\n" +
        Array.from({ length: 12 }, (_, i) => `ALTER TABLE t DROP COLUMN c${i};`).join("\n") +
        "\n",
    );
    const summary = join(repo, "many.md");
    const r = await runSlipway(["migrations", "check", "many", "--format", "github"], {
      cwd: repo,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.stdout.split("\n").filter((l) => l.startsWith("::error "))).toHaveLength(12);
    const rows = readFileSync(summary, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("| error |"));
    expect(rows.map((row) => /many\/V2__drop\.sql:(\d+):/.exec(row)?.[1])).toEqual(
      Array.from({ length: 12 }, (_, i) => String(i + 2)),
    );
  });

  it("--junit writes one test case per file, failing the file with a blocking finding", async () => {
    const junit = join(repo, "reports", "migrations.xml");
    const r = await check(["--junit", junit]);
    expect(r.code).toBe(1);
    // The text output is unchanged beside the report.
    expect(r.stdout).toContain(`${change}:2:51: error ban-drop-column`);
    const xml = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "",
      isArray: (name) => name === "testcase",
    }).parse(readFileSync(junit, "utf8")) as {
      testsuites: {
        tests: string;
        failures: string;
        testsuite: {
          name: string;
          testcase: {
            classname: string;
            name: string;
            failure?: { message: string; "#text": string };
            "system-out"?: string;
          }[];
        };
      };
    };
    expect(xml.testsuites).toMatchObject({ tests: "3", failures: "1" });
    const cases = xml.testsuites.testsuite.testcase;
    expect(cases.map((c) => [c.classname, c.name, c.failure?.message])).toEqual([
      ["slipway.migrations", `${folder}/V1__create.sql`, undefined],
      ["slipway.migrations", change, "ban-drop-column at line 2"],
      ["slipway.migrations", `${folder}/V3__clean.sql`, undefined],
    ]);
    expect(cases[1]?.failure?.["#text"]).toContain(`${change}:2:51: error ban-drop-column: dropping t.name`);
    // What does not fail the case is still there to read: the warning and the suppressed finding.
    expect(cases[1]?.["system-out"]).toContain("warning changing-column-type");
    expect(cases[1]?.["system-out"]).toContain("suppressed: nobody reads note, 100% sure");
  });

  it("refuses an unknown format, and --format and -o that disagree (exit 2)", async () => {
    expect(await check(["--format", "xml"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--format must be text, json, sarif, github, found "xml"'),
    });
    expect((await check(["--format", "sarif", "-o", "json"])).code).toBe(2);
  });
});

describe("slipway calls diff in CI", () => {
  const schema = (properties: Record<string, unknown>): string =>
    JSON.stringify({ type: "object", properties, required: ["size"] }, null, 2) + "\n";
  write("old.json", schema({ size: { type: "integer" }, tag: { type: "string" } }));
  write("new.json", schema({ size: { type: "string" }, owner: { type: "string" } }));
  const diff = (format: string, env: NodeJS.ProcessEnv = {}) =>
    runSlipway(["calls", "diff", "--old", "old.json", "--new", "new.json", "--format", format], {
      cwd: repo,
      env: { GITHUB_STEP_SUMMARY: "", ...env },
    });

  it("--format json is a CallsDiff document", async () => {
    const r = await diff("json");
    expect(r.code).toBe(1);
    expect(expectDocument(r.stdout, "CallsDiff")).toMatchObject({
      apiVersion: "slipway.dev/v1",
      kind: "CallsDiff",
      breaking: true,
      changed: [{ call: "new.json" }],
    });
  });

  it("--format sarif validates, each change on its field's line in the new schema", async () => {
    const r = await diff("sarif");
    const log: unknown = JSON.parse(r.stdout);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const results = (
      log as {
        runs: {
          results: {
            ruleId: string;
            level: string;
            locations: {
              physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
            }[];
          }[];
        }[];
      }
    ).runs[0]?.results;
    // new.json: line 4 "size", line 7 "owner"; the removed "tag" lands on its parent, "properties" (line 3).
    expect(
      results?.map((x) => [
        x.ruleId,
        x.level,
        x.locations[0]?.physicalLocation.artifactLocation.uri,
        x.locations[0]?.physicalLocation.region.startLine,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ["type-changed", "error", "new.json", 4],
        ["field-removed", "error", "new.json", 3],
        [expect.any(String), "note", "new.json", 7],
      ]),
    );
  });

  it("--format github annotates breaking changes as errors and compatible ones as notices", async () => {
    const summary = join(repo, "calls.md");
    const r = await diff("github", { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^::error file=new\.json,line=4,col=\d+,title=type-changed::new\.json: size: type changed/m,
    );
    expect(r.stdout).toMatch(/^::notice file=new\.json,line=7,/m);
    expect(readFileSync(summary, "utf8")).toContain("| error | type-changed | new.json:4:");
  });
});
