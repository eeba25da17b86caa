import { beforeAll, describe, expect, it, vi } from "vitest";
import { loadProject } from "../../src/definitions/load.ts";
import type { ProjectModel } from "../../src/definitions/model.ts";
import { buildPlan } from "../../src/plan/plan.ts";
import { renderServiceObjects } from "../../src/render/render.ts";
import { exampleConfig } from "../support/project.ts";

// The real renderer, only watched: each call is counted and passed through.
vi.mock("../../src/render/render.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/render/render.ts")>();
  return { ...real, renderServiceObjects: vi.fn(real.renderServiceObjects) };
});

let project: ProjectModel;
beforeAll(async () => {
  project = await loadProject(exampleConfig);
});

describe("buildPlan", () => {
  it("renders each defined service once, for its objects and for who mounts which ConfigMap", () => {
    const env = project.environments[0]!;
    const names = (project.services.get(env.name) ?? []).map((s) => s.spec.name);
    const digests = new Map([["files", `sha256:${"a".repeat(64)}`]]);
    vi.mocked(renderServiceObjects).mockClear();
    const plan = buildPlan({ project, env, only: [], live: new Map(), digests });
    const rendered = vi.mocked(renderServiceObjects).mock.calls.map(([, , service]) => service.spec.name);
    expect(rendered.sort()).toEqual([...names].sort());
    // Rendered once, with the digest the deploy pins: the plan's objects reference it.
    const files = plan.services.find((s) => s.service === "files");
    expect(JSON.stringify(files?.rendered)).toContain(digests.get("files"));
  });
});
