import { beforeAll, describe, expect, it } from "vitest";
import { SearchClient } from "../../src/clients/search/client.ts";
import { deployOptionsFor } from "../../src/deploy/options-for.ts";
import { loadProject } from "../../src/definitions/load.ts";
import type { EnvironmentModel, ProjectModel } from "../../src/definitions/model.ts";
import { buildPlan, type Plan } from "../../src/plan/plan.ts";
import type { BreakGlass } from "../../src/windows/break-glass.ts";
import { exampleConfig } from "../support/project.ts";

let project: ProjectModel;
let env: EnvironmentModel;
let plan: Plan;
const digest = `sha256:${"a".repeat(64)}`;
const breakGlass: BreakGlass = {
  by: "alice",
  groups: [],
  reason: "INC-1",
  windows: ["weekend"],
  at: "2026-12-06T00:00:00.000Z",
};

beforeAll(async () => {
  project = await loadProject(exampleConfig);
  env = { ...project.environments[0]!, search: { url: "http://127.0.0.1:1", indexPrefix: "audit-" } };
  const built = buildPlan({ project, env, only: ["auth", "mail"], live: new Map() });
  // The gate resolved auth's image; mail's did not: only auth's digest is pinned.
  plan = {
    ...built,
    services: built.services.map((s) =>
      s.service === "auth"
        ? {
            ...s,
            gate: { service: "auth", version: s.newVersion, image: "research/auth", digest, checks: [] },
          }
        : s,
    ),
    breakGlass,
  };
});

describe("deployOptionsFor", () => {
  it("gives a caller that chooses nothing (the dashboard's approval) slipway deploy's defaults", () => {
    const search = SearchClient.fromEnvironment("http://127.0.0.1:1");
    const options = deployOptionsFor({
      target: { project, env, search },
      plan,
      only: ["auth"],
      deployedBy: "bob (dashboard)",
    });
    expect(options).toMatchObject({
      only: ["auth"],
      dryRun: false,
      forceConflicts: false,
      rollback: true,
      timeoutMs: 5 * 60_000,
      parallel: 4,
      waitForLock: false,
      deployedBy: "bob (dashboard)",
      evidenceWindowMs: 24 * 3_600_000,
      scratchDatabase: "pglite",
      search,
      auditIndexPrefix: "audit-",
      breakGlass,
    });
    expect([...(options.digests ?? [])]).toEqual([["auth", digest]]);
    expect(options.commit).not.toBe("");
    expect(options).not.toHaveProperty("leaseSeconds");
  });

  it("keeps the caller's choices, and breaks no glass in a dry run", () => {
    const options = deployOptionsFor({
      target: { project, env: project.environments[0]! },
      plan,
      only: [],
      deployedBy: "dry-run",
      choices: { dryRun: true, rollback: false, timeoutMs: 90_000, parallel: 1, leaseSeconds: 10 },
    });
    expect(options).toMatchObject({
      dryRun: true,
      rollback: false,
      timeoutMs: 90_000,
      parallel: 1,
      leaseSeconds: 10,
    });
    expect(options).not.toHaveProperty("breakGlass");
    expect(options).not.toHaveProperty("search");
    expect(options).not.toHaveProperty("auditIndexPrefix");
  });
});
