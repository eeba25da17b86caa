// A dependency that does not answer at deploy time: the registry, a database, the search server
// or Jenkins. Each refuses the deploy before anything is written, through the real binary, with
// a message that names the part and its address. (The address is a closed port on this machine:
// to Slipway that part is down, and the shared platform stays up for the other tests.)
import { spawnSync } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { slipwayBin } from "../support/slipway-bin.ts";

/** A port nothing listens on: taken from the kernel, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
const down = `127.0.0.1:${await closedPort()}`;
const at = down.replace(/\./g, "\\.");
const cluster = Cluster.open("local", platform.kubeconfig);
const namespaces: string[] = [];
afterAll(async () => {
  for (const ns of namespaces) await removeExample(ns);
});

type Project = ReturnType<typeof isolatedExample>;
// The exit code: 4 when a check of the plan finds the part down (refused by a check), 1 when
// planning itself cannot go on without it (the audit indices are read from the search server).
const cases: [string, (p: Project) => Promise<void>, RegExp, 1 | 4][] = [
  [
    "the registry",
    async (p) => p.edit("slipway.config.ts", 'host: "127.0.0.1:25000"', `host: "${down}"`),
    new RegExp(`✗ image: .*${at}.*ECONNREFUSED`, "s"),
    4,
  ],
  [
    "the database",
    async (p) => {
      const url = `postgresql://nobody:never-printed@${down}/mail`;
      await kube.core().replaceNamespacedSecret({
        name: "mail-db",
        namespace: p.namespace,
        body: { metadata: { name: "mail-db", namespace: p.namespace }, stringData: { url } },
      });
    },
    new RegExp(`✗ database: .*database "mail" \\(nobody@${at}/mail\\): cannot connect: .*ECONNREFUSED`, "s"),
    4,
  ],
  [
    "the search server",
    async (p) =>
      p.edit(
        "slipway.config.ts",
        /search: \{ url: "http:\/\/127\.0\.0\.1:29200", indexPrefix/,
        `search: { url: "http://${down}", indexPrefix`,
      ),
    new RegExp(`error: search server unreachable at http://${at}.*ECONNREFUSED`, "s"),
    1,
  ],
  [
    "Jenkins",
    async (p) =>
      p.edit("slipway.config.ts", 'ci: { url: "http://127.0.0.1:28080" }', `ci: { url: "http://${down}" }`),
    new RegExp(`✗ ci: Jenkins at http://${at}.*ECONNREFUSED`, "s"),
    4,
  ],
];

describe("a dependency that is down at deploy time", () => {
  it.each(cases)(
    "%s: the deploy is refused before anything is written, naming it and its address",
    async (_part, breakIt, message, code) => {
      const project = isolatedExample("down", { node: "simulated" });
      namespaces.push(project.namespace);
      await provisionExampleDatabases(project.config, "dev");
      await publishDefinedVersions(project.config); // CI ran; then the part went away
      await breakIt(project);
      const r = spawnSync(
        process.execPath,
        [
          slipwayBin,
          "deploy",
          "mail",
          "--env",
          "dev",
          "--yes",
          "-c",
          project.config,
          "--kubeconfig",
          platform.kubeconfig,
        ],
        { encoding: "utf8" },
      );
      const output = `${r.stdout}\n${r.stderr}`;
      expect(r.status, output).toBe(code);
      expect(output).toMatch(message);
      expect(output).not.toContain("never-printed");
      expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
      // Nothing written: no release record, no lock, no workload.
      expect(await new ReleaseStore(cluster, project.namespace).summaries()).toEqual([]);
      expect(await cluster.get("Lease", "slipway-deploy-lock", project.namespace)).toBeUndefined();
      const deployments = await kube.apps().listNamespacedDeployment({ namespace: project.namespace });
      expect(deployments.items).toEqual([]);
    },
  );
});
