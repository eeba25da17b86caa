import { beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/definitions/load.ts";
import type { ProjectModel } from "../../src/definitions/model.ts";
import { promotableServices } from "../../src/promotion/promote.ts";
import type { ReleaseStatus, ReleaseSummary } from "../../src/release/record.ts";
import { exampleConfig } from "../support/project.ts";

let project: ProjectModel;
beforeAll(async () => {
  project = await loadProject(exampleConfig);
});

const release = (service: string, revision: number, status: ReleaseStatus): ReleaseSummary => ({
  service,
  revision,
  version: "1.0.0",
  status,
  deployedBy: "someone",
  startedAt: "2026-12-06T00:00:00.000Z",
  description: "",
  objectsHash: "",
});

describe("promotableServices", () => {
  it("names the target's services that run in the earlier environment, from the releases given", () => {
    const to = project.environments.find((e) => e.name === "prod")!;
    const fromReleases = [
      release("auth", 1, "superseded"),
      release("auth", 2, "deployed"),
      release("mail", 1, "failed"),
      release("files", 3, "deployed"),
      release("not-defined-here", 1, "deployed"),
    ];
    expect(promotableServices(project, to, fromReleases)).toEqual(["auth", "files"]);
    expect(promotableServices(project, to, [])).toEqual([]);
  });
});
