import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { utcDate } from "../support/audit.ts";
import {
  isolatedExample,
  deploySharedConfigOwner,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import type { AuditStatusDocument, HistoryDocument } from "../../src/output/documents.ts";

const project = isolatedExample("audit", { node: "simulated" });
const prefix = `${project.namespace}-`;
const alias = `${prefix}http_logs_files.browse`;
const deploy = ["deploy", "files", "--env", "dev", "--yes", "--timeout", "60s"];
const browseSchema = "services/files/calls/browse.request.json";

async function es<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${platform.elasticsearch}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as T };
}

/** The index the alias writes to, and its mapping of the request. */
async function writeIndex(): Promise<{ index: string; request: Record<string, { type?: string }> }> {
  const aliases = await es<Record<string, { aliases: Record<string, { is_write_index?: boolean }> }>>(
    "GET",
    `/_alias/${alias}`,
  );
  const index = Object.entries(aliases.json).find(([, a]) => a.aliases[alias]?.is_write_index)?.[0];
  if (!index) throw new Error(`alias ${alias} has no write index: ${JSON.stringify(aliases.json)}`);
  const mapping = await es<
    Record<
      string,
      { mappings: { properties: { request: { properties: Record<string, { type?: string }> } } } }
    >
  >("GET", `/${index}/_mapping`);
  return { index, request: mapping.json[index]?.mappings.properties.request.properties ?? {} };
}

const templateVersion = async (): Promise<number | undefined> =>
  (
    await es<{ index_templates: { index_template: { version?: number } }[] }>(
      "GET",
      `/_index_template/slipway-audit-${prefix}files.browse`,
    )
  ).json.index_templates[0]?.index_template.version;

const deployedVersion = async (): Promise<string | undefined> =>
  (await kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "files" })).metadata
    ?.annotations?.["slipway.dev/version"];

afterAll(() => removeExample(project.namespace));

describe("the audit index of an audited call, on the real search server", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
    await deploySharedConfigOwner(project.config);
    const first = await slipway(project.config, ...deploy);
    expect(first.code, first.stdout + first.stderr).toBe(0);
  });

  it("creates each audited call's template and first index behind its write alias", async () => {
    const { index, request } = await writeIndex();
    expect(index).toBe(`${alias}-${utcDate()}-000001`);
    expect(request).toEqual({
      path: { type: "keyword" },
      sortBy: { type: "keyword" },
      itemsPerPage: { type: "long" },
    });
    const status = await slipway(project.config, "audit", "status", "files", "--env", "dev", "-o", "json");
    expect(status.code, status.stderr).toBe(0);
    const rows = (JSON.parse(status.stdout) as AuditStatusDocument).calls;
    expect(rows.map((r) => [r.call, r.matches, r.templateVersion])).toEqual([
      ["files.browse", true, 1],
      ["files.upload", true, 1],
    ]);
  });

  it("a second run writes nothing", async () => {
    const before = await writeIndex();
    const plan = await slipway(project.config, "plan", "files", "--env", "dev", "--detailed-exitcode");
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.stdout).not.toContain("audit index");
    const again = await slipway(project.config, ...deploy);
    expect(again.stdout).toContain("Nothing to deploy");
    expect(await writeIndex()).toEqual(before);
    expect(await templateVersion()).toBe(1);
  });

  it("adds a new field to the write index in place", async () => {
    const before = await writeIndex();
    project.edit(
      browseSchema,
      '"itemsPerPage": { "type": "integer" }',
      '"itemsPerPage": { "type": "integer" },\n    "showHidden": { "type": "boolean" }',
    );
    project.edit("services/files/service.ts", 'version: "1.4.0"', 'version: "1.5.0"');
    const plan = await slipway(project.config, "plan", "files", "--env", "dev");
    expect(plan.stdout).toContain("~ call files.browse: compatible: showHidden: optional field added");
    expect(plan.stdout).toContain(`files.browse: add request.showHidden to ${before.index} in place`);
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const after = await writeIndex();
    expect(after.index).toBe(before.index);
    expect(after.request.showHidden).toEqual({ type: "boolean" });
    expect(await templateVersion()).toBe(2);
  });

  it("rolls a type change over to a new write index before the rollout; old documents stay searchable", async () => {
    const before = await writeIndex();
    const old = await es("POST", `/${alias}/_doc?refresh=true`, {
      "@timestamp": new Date().toISOString(),
      call: "files.browse",
      user: "ada",
      status: 200,
      duration_ms: 12,
      request: { path: "/home/ada", itemsPerPage: 50 },
    });
    expect(old.status).toBe(201);
    project.edit(
      browseSchema,
      '"itemsPerPage": { "type": "integer" }',
      '"itemsPerPage": { "type": "string" }',
    );
    project.edit("services/files/service.ts", 'version: "1.5.0"', 'version: "1.6.0"');

    const plan = await slipway(project.config, "plan", "files", "--env", "dev");
    expect(plan.stdout).toContain(
      "! call files.browse: BREAKING: itemsPerPage: type changed from integer to string (/properties/itemsPerPage)",
    );
    expect(plan.stdout).toContain("BREAKING for the index: request.itemsPerPage long → keyword");
    expect(plan.stdout).toMatch(/files: update the audit index of files\.browse \(roll-over\)/);

    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // The audit step ran and was verified before the rollout step.
    const log = r.stdout + r.stderr;
    const rolled = log.indexOf(`rolled ${alias} over`);
    expect(rolled, log).toBeGreaterThan(-1);
    expect(rolled).toBeLessThan(log.indexOf("files: applied"));

    const after = await writeIndex();
    expect(after.index).toBe(`${alias}-${utcDate()}-000002`);
    expect(after.request.itemsPerPage).toEqual({ type: "keyword" });
    // The old index keeps its mapping and its documents.
    const oldMapping = await es<
      Record<string, { mappings: { properties: { request: { properties: Record<string, unknown> } } } }>
    >("GET", `/${before.index}/_mapping`);
    expect(oldMapping.json[before.index]?.mappings.properties.request.properties.itemsPerPage).toEqual({
      type: "long",
    });
    const fresh = await es("POST", `/${alias}/_doc?refresh=true`, {
      "@timestamp": new Date().toISOString(),
      call: "files.browse",
      user: "grace",
      status: 200,
      duration_ms: 9,
      request: { path: "/home/grace", itemsPerPage: "all" },
    });
    expect(fresh.status).toBe(201);
    const found = await es<{ hits: { hits: { _index: string; _source: { user: string } }[] } }>(
      "POST",
      `/${alias}-*/_search`,
      { query: { match_all: {} }, sort: [{ "@timestamp": "asc" }] },
    );
    expect(found.json.hits.hits.map((h) => [h._index, h._source.user])).toEqual([
      [before.index, "ada"],
      [after.index, "grace"],
    ]);
    const status = await slipway(project.config, "audit", "status", "files", "--env", "dev");
    expect(status.code, status.stdout).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`files\\.browse .*${after.index}\\s+2\\s+v3\\s+matches`));
  });

  it("a failed audit-index step stops the deploy before the rollout, and a re-run converges", async () => {
    const before = await writeIndex();
    // An index already holding the rollover's next name makes the rollover fail on the server.
    const blocker = `${alias}-${utcDate()}-000003`;
    expect((await es("PUT", `/${blocker}`)).status).toBe(200);
    project.edit(browseSchema, '"path": { "type": "string" }', '"path": { "type": "integer" }');
    project.edit("services/files/service.ts", 'version: "1.6.0"', 'version: "1.7.0"');

    const failed = await slipway(project.config, ...deploy);
    expect(failed.code).toBe(1);
    expect(failed.stdout + failed.stderr).toMatch(
      /audit index of files\.browse could not be updated: .*already.exists/,
    );
    expect(failed.stdout).toContain("nothing rolled out");
    expect(await deployedVersion()).toBe("1.6.0");
    expect((await writeIndex()).index).toBe(before.index);

    await es("DELETE", `/${blocker}`);
    const retried = await slipway(project.config, ...deploy);
    expect(retried.code, retried.stdout + retried.stderr).toBe(0);
    expect(await deployedVersion()).toBe("1.7.0");
    expect((await writeIndex()).request.path).toEqual({ type: "long" });
  });

  it("a search server that cannot be reached stops the deploy before anything is written", async () => {
    project.edit("slipway.config.ts", 'url: "http://127.0.0.1:29200"', 'url: "http://127.0.0.1:29299"');
    project.edit("services/files/service.ts", 'version: "1.7.0"', 'version: "1.8.0"');
    try {
      const r = await slipway(project.config, ...deploy);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("search server unreachable at http://127.0.0.1:29299");
      expect(await deployedVersion()).toBe("1.7.0");
      const history = await slipway(project.config, "history", "files", "--env", "dev", "-o", "json");
      const records = (JSON.parse(history.stdout) as HistoryDocument).releases;
      expect(records.map((h) => h.version)).not.toContain("1.8.0");
    } finally {
      project.edit("slipway.config.ts", 'url: "http://127.0.0.1:29299"', 'url: "http://127.0.0.1:29200"');
    }
  });

  it("a rollback brings the call's audit index back to the restored version's request type", async () => {
    const history = await slipway(project.config, "history", "files", "--env", "dev", "-o", "json");
    const target = (JSON.parse(history.stdout) as HistoryDocument).releases.find(
      (h) => h.version === "1.5.0",
    );
    const r = await slipway(
      project.config,
      "rollback",
      "files",
      "--env",
      "dev",
      "--to",
      String(target?.revision),
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/audit index files\.browse: rolled .* over/);
    const { request } = await writeIndex();
    expect(request.itemsPerPage).toEqual({ type: "long" });
    expect(request.path).toEqual({ type: "keyword" });
    // The definitions are still ahead of what runs now, and audit status says so.
    const status = await slipway(project.config, "audit", "status", "files", "--env", "dev");
    expect(status.code, status.stdout).toBe(3);
    expect(status.stdout).toContain("request.itemsPerPage is long, defined keyword");
  });
});
