import { afterAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/definitions/load.ts";
import { placeOnFleetCluster } from "../../src/fleet/member.ts";
import { definitionProblems, removeScratchMadeHere, scratchProject, service } from "../support/project.ts";

afterAll(removeScratchMadeHere);

/** A project whose prod is a fleet; `fleet` is the text of its clusters and waves. */
const fleetProject = (fleet: string) =>
  scratchProject({
    "slipway.config.ts": `import { defineProject, defineEnvironment } from "slipway";
export default defineProject({
  name: "demo",
  environments: [
    defineEnvironment({
      name: "prod",
      ${fleet}
      registry: { host: "registry.example.org", repositoryPrefix: "demo" },
      search: { url: "https://search.example.org" },
    }),
  ],
});
`,
    "services/api/service.ts": service(
      `{ name: "api", version: "1.0.0", image: "api", deployment: { port: 8080 } }`,
    ),
  });

const threeClusters = `clusters: {
        "eu-1": { cluster: { context: "eu-1", namespace: "research", flavour: "k3s" } },
        "eu-2": { cluster: { context: "eu-2", namespace: "research", flavour: "rancher" }, registry: { host: "eu2.registry.example.org", repositoryPrefix: "demo" } },
        "us-1": { cluster: { context: "us-1", namespace: "research", flavour: "k3s" }, search: { url: "https://search.us.example.org" } },
      },`;

describe("a fleet environment", () => {
  it("loads its clusters and waves; each cluster has its own settings where they differ", async () => {
    const p = fleetProject(
      `${threeClusters} waves: [{ clusters: ["eu-1"], bake: "15m" }, { clusters: ["eu-2", "us-1"], maxParallel: 2, failureBudget: 1 }],`,
    );
    const project = await loadProject(p.config);
    const prod = project.environments[0];
    expect(prod?.fleet?.waves).toEqual([
      { clusters: ["eu-1"], bakeMs: 900_000, maxParallel: 1, failureBudget: 0 },
      { clusters: ["eu-2", "us-1"], bakeMs: 0, maxParallel: 2, failureBudget: 1 },
    ]);
    // Until a cluster is chosen, it reads as its first wave's first cluster.
    expect(prod?.cluster.context).toBe("eu-1");
    expect(prod?.member).toBeUndefined();
    if (!prod?.fleet) throw new Error("no fleet");
    const eu2 = placeOnFleetCluster({ ...prod, fleet: prod.fleet }, "eu-2");
    expect(eu2).toMatchObject({
      member: "eu-2",
      cluster: { context: "eu-2" },
      registry: { host: "eu2.registry.example.org" },
      ingressClass: "nginx",
      search: { url: "https://search.example.org" },
    });
    expect(placeOnFleetCluster({ ...prod, fleet: prod.fleet }, "us-1").search?.url).toBe(
      "https://search.us.example.org",
    );
  });

  it("without waves, deploys each cluster as a wave of its own, in the order written", async () => {
    const project = await loadProject(fleetProject(threeClusters).config);
    expect(project.environments[0]?.fleet?.waves.map((w) => w.clusters)).toEqual([
      ["eu-1"],
      ["eu-2"],
      ["us-1"],
    ]);
  });

  it("locates every mistake in its waves", async () => {
    const p = fleetProject(
      `${threeClusters} waves: [{ clusters: ["eu-1", "eu-3"], bake: "soon" }, { clusters: ["eu-1", "eu-2"], failureBudget: 2 }],`,
    );
    expect(await definitionProblems(p.config)).toEqual([
      expect.stringMatching(
        /slipway\.config\.ts: environments\[0\]\.waves\[0\]\.clusters\[1\]: no cluster "eu-3" in this fleet \(clusters: eu-1, eu-2, us-1\)/,
      ),
      expect.stringMatching(
        /environments\[0\]\.waves\[0\]\.bake: expected a duration such as "90s", "15m" or "1h30m", found "soon"/,
      ),
      expect.stringMatching(
        /environments\[0\]\.waves\[1\]\.clusters\[0\]: cluster "eu-1" is already in wave 1: a cluster is deployed once/,
      ),
      expect.stringMatching(
        /environments\[0\]\.waves\[1\]\.failureBudget: a failure budget of 2 lets every cluster of this wave \(2\) fail/,
      ),
      expect.stringMatching(
        /environments\[0\]\.waves: cluster "us-1" is in no wave: it would never be deployed/,
      ),
    ]);
  });

  it("refuses both cluster and clusters, and neither", async () => {
    const both = fleetProject(
      `cluster: { context: "a", namespace: "research", flavour: "k3s" }, ${threeClusters}`,
    );
    expect((await definitionProblems(both.config))[0]).toMatch(
      /environments\[0\]\.cluster: an environment names either one `cluster` or a fleet of `clusters`, not both/,
    );
    const neither = fleetProject("");
    expect((await definitionProblems(neither.config))[0]).toMatch(
      /environments\[0\]\.cluster: environment "prod" names no cluster/,
    );
  });

  it("refuses two clusters of one fleet in the same place", async () => {
    const p = fleetProject(`clusters: {
        a: { cluster: { context: "eu-1", namespace: "research", flavour: "k3s" } },
        b: { cluster: { context: "eu-1", namespace: "research", flavour: "k3s" } },
      },`);
    expect((await definitionProblems(p.config))[0]).toMatch(
      /environments\[0\]\.clusters\.b\.cluster: clusters "a" and "b" are the same place \(eu-1\/research\)/,
    );
  });
});
