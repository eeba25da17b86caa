// The deploy journal on the real API server: each write carries every service, so services that
// finish close together share a write, and a large deploy's writes are spaced by its size rather
// than one per finishing service (a thousand services wrote a thousand journals of 300 KB).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { loadProject } from "../../src/definitions/load.ts";
import type { ProjectModel } from "../../src/definitions/model.ts";
import { buildPlan, type Plan } from "../../src/plan/plan.ts";
import { DeployJournal, readDeployJournal } from "../../src/procedure/deploy-journal.ts";
import { sleep } from "../../src/util/sleep.ts";
import { platform, withNamespace } from "../support/platform.ts";
import { exampleConfig } from "../support/project.ts";

let namespace: { name: string; remove: () => Promise<void> };
let project: ProjectModel;

beforeAll(async () => {
  namespace = await withNamespace("journal");
  project = await loadProject(exampleConfig);
});
afterAll(async () => namespace?.remove());

describe("deploy journal", () => {
  it("writes a large deploy's journal far fewer times than its services finish, and loses none", async () => {
    const env = project.environments[0]!;
    const example = buildPlan({ project, env, only: [], live: new Map() });
    // 150 services, each planned like the example's first.
    const plan: Plan = {
      ...example,
      services: Array.from({ length: 150 }, (_, i) => ({ ...example.services[0]!, service: `svc-${i}` })),
    };
    const cluster = Cluster.open("local", platform.kubeconfig);
    const journal = new DeployJournal(cluster, namespace.name, async () => undefined);
    await journal.begin({
      project,
      env,
      plan,
      holder: "test",
      only: [],
      by: "test",
      commit: "test",
      history: [],
    });
    cluster.requests = 0;
    const finishing: Promise<void>[] = [];
    for (const s of plan.services) {
      finishing.push(
        journal.finished({ service: s.service, outcome: "deployed", message: "revision 1", revision: 1 }, []),
      );
      await sleep(5);
    }
    await Promise.all(finishing);
    await journal.end(true);
    // About a second of finishing services, writes at least 300 ms apart (2 ms per service), and
    // the last: written once per finishing service, it took dozens.
    expect(cluster.requests).toBeLessThanOrEqual(6);
    const written = await readDeployJournal(cluster, namespace.name);
    expect(written?.status).toBe("done");
    expect(written?.services.filter((s) => s.finished?.outcome === "deployed")).toHaveLength(150);
  });
});
