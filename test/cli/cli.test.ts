import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { copyOfExample, exampleConfig, minimalConfig, scratchProject, service } from "../support/project.ts";
import { runSlipway, type SlipwayResult } from "../support/slipway-bin.ts";
import type { ServiceListDocument } from "../../src/output/documents.ts";

// The binary as a process (the installed package's in CI), as a user runs it.
const slipway = (...args: string[]): Promise<SlipwayResult> => runSlipway(args);

describe("slipway CLI", () => {
  it("validates the example platform (exit 0)", async () => {
    const r = await slipway("validate", "-c", exampleConfig);
    expect(r).toMatchObject({
      code: 0,
      stdout: "research-cloud: 6 services, 2 environments (dev, prod): valid\n",
    });
  });

  it("warns, with exit 0, when two environments would write the same audit indices", async () => {
    const p = copyOfExample();
    const config = readFileSync(p.config, "utf8");
    writeFileSync(p.config, config.replace(', indexPrefix: "prod-"', ""));
    const shared = await slipway("validate", "-c", p.config);
    expect(shared.code).toBe(0);
    expect(shared.stderr).toBe(
      "warning: environments dev and prod write the same audit indices (accounting.charge, apps.start, " +
        "apps.stop and 4 more) on http://127.0.0.1:29200 (no search.indexPrefix): a deploy to one changes " +
        "the other's index templates and write aliases. Give each environment its own search.indexPrefix, " +
        "unless they are one platform on two clusters (a cluster move)\n",
    );
    // The same server spelled with a trailing slash is still the same server.
    writeFileSync(
      p.config,
      config
        .replace('indexPrefix: "prod-"', 'indexPrefix: "dev-"')
        .replace(
          'search: { url: "http://127.0.0.1:29200" }',
          'search: { url: "http://127.0.0.1:29200/", indexPrefix: "dev-" }',
        ),
    );
    expect((await slipway("validate", "-c", p.config)).stderr).toMatch(/^warning: environments dev and prod/);
  });

  it("exits 2 with every problem and no stack trace on a bad definition", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/x/service.ts": service(`{ name: "x", version: "1", image: "x", deployment: { port: "80" } }`),
    });
    const r = await slipway("validate", "-c", p.config);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /services\/x\/service\.ts: deployment\.port: expected number, found string "80"\n1 problem in the definitions; nothing was rendered or changed\n$/,
    );
  });

  it("lists services in dependency order", async () => {
    const r = await slipway("list", "-c", exampleConfig, "-o", "json");
    const rows = (JSON.parse(r.stdout) as ServiceListDocument).services;
    expect(rows.map((s) => s.name)).toEqual([
      "auth",
      "accounting",
      "files",
      "app-orchestrator",
      "mail",
      "maintenance",
    ]);
  });

  it("renders YAML to stdout, or one file per object with --out", async () => {
    const r = await slipway("render", "auth", "--env", "dev", "-c", exampleConfig);
    expect(r.code).toBe(0);
    const kinds = parseAllDocuments(r.stdout).map((d) => (d.toJSON() as { kind: string }).kind);
    expect(kinds).toEqual(["ConfigMap", "Service", "Deployment", "Ingress", "NetworkPolicy"]);
    const dir = mkdtempSync(join(tmpdir(), "slipway-render-"));
    const w = await slipway("render", "--env", "prod", "--out", dir, "-c", exampleConfig);
    expect(w.code).toBe(0);
    expect(readdirSync(dir)).toContain("deployment-files.yaml");
  });

  it("gives usage errors exit 2 with a hint", async () => {
    expect(await slipway("render", "-c", exampleConfig)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("required option '-e, --env <name>' not specified"),
    });
    expect(await slipway("render", "--env", "staging", "-c", exampleConfig)).toMatchObject({
      code: 2,
      stderr: 'error: no environment "staging"\n  hint: environments: dev, prod\n',
    });
    expect(await slipway("render", "nope", "--env", "dev", "-c", exampleConfig)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no service "nope"'),
    });
    expect(await slipway("frobnicate")).toMatchObject({ code: 2 });
  });

  it("prints help for every command with exit 0", async () => {
    for (const command of ["validate", "list", "render"]) {
      const r = await slipway(command, "--help");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: slipway ${command}`);
    }
  });
});
