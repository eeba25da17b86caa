// The dashboard shows a fleet as a column per cluster, in a real browser: a fleet over the local
// platform's three control planes (contexts local, rancher, edge) deployed in two waves through
// the installed binary, then eu-2 alone taken to a newer version (`--cluster eu-2`), so one
// cluster differs. A fourth cluster is then added to the definition, on a context whose API
// server does not answer: its column says it cannot be read while the three others still show.
// Above the matrix, the last fleet deploy from its journal: the waves in order, each cluster's
// outcome and the bake.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExampleImages } from "../../scripts/build-images.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { launchBrowser, screenshot, skipBrowserTests, waitForText } from "../support/dashboard.ts";
import { platform, uniqueName } from "../support/platform.ts";
import { scratchProject, service } from "../support/project.ts";
import { slipwayBin, runSlipway } from "../support/slipway-bin.ts";

const namespace = uniqueName("ui-fleet");
const contexts = { "eu-1": "local", "eu-2": "rancher", "us-1": "edge", "ap-1": "down" } as const;
type ClusterName = keyof typeof contexts;
const deployed: readonly ClusterName[] = ["eu-1", "eu-2", "us-1"];

const clusterEntry = (name: ClusterName): string =>
  `"${name}": { cluster: { context: "${contexts[name]}", namespace: "${namespace}", flavour: "k3s" } }`;
const config = (names: readonly ClusterName[], secondWave: readonly ClusterName[]): string =>
  `import { defineEnvironment, defineProject } from "slipway";
export default defineProject({
  name: "ui-fleet",
  environments: [
    defineEnvironment({
      name: "prod",
      clusters: { ${names.map(clusterEntry).join(", ")} },
      waves: [{ clusters: ["eu-1"], bake: "3s" }, { clusters: ${JSON.stringify(secondWave)}, maxParallel: 2 }],
      registry: { host: "${platform.registry}", repositoryPrefix: "${namespace}", insecure: true },
    }),
  ],
});
`;
const project = scratchProject({
  "slipway.config.ts": config(deployed, ["eu-2", "us-1"]),
  "services/web/service.ts": service(`{ name: "web", version: "1.0.0", image: "web",
  deployment: { port: 8080, readiness: { http: { path: "/ready" } } }, service: { port: 80 } }`),
});
const serviceFile = join(project.root, "services/web/service.ts");

/** The platform's kubeconfig and one more context, `down`, whose API server does not answer. */
function kubeconfigWithADownCluster(): string {
  const kc = new KubeConfig();
  kc.loadFromFile(platform.kubeconfig);
  const user = kc.getCurrentUser()?.name ?? "";
  kc.addCluster({ name: "down", server: "https://127.0.0.1:9", skipTLSVerify: true });
  kc.addContext({ name: "down", cluster: "down", user });
  const file = join(project.root, "kubeconfig");
  writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
  return file;
}

const deploy = async (...more: string[]): Promise<void> => {
  const r = await runSlipway([
    "deploy",
    "-e",
    "prod",
    "--yes",
    "--timeout",
    "90s",
    ...more,
    "-c",
    project.config,
    "--kubeconfig",
    platform.kubeconfig,
  ]);
  expect(r.code, r.stderr).toBe(0);
};

let ui: { url: string; stop: () => Promise<void> };
let browser: Browser;
let page: Page;

/** `slipway ui` through the installed binary with the given kubeconfig; resolves once it listens. */
async function startUi(kubeconfig: string): Promise<typeof ui> {
  const child = spawn(
    process.execPath,
    [slipwayBin, "ui", "--port", "0", "-c", project.config, "--kubeconfig", kubeconfig],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let said = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      said += chunk.toString();
      const found = /slipway ui: (https?:\/\/\S+)/.exec(said)?.[1];
      if (found) resolve(found);
    });
    child.on("exit", (code) => reject(new Error(`slipway ui exited ${code}:\n${said}`)));
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

const textAt = async (selector: string): Promise<string> =>
  (await page.locator(selector).first().innerText()).replace(/\s+/g, " ").trim();
const cell = (cluster: ClusterName) => `tr[data-service="web"] td[data-env="prod · ${cluster}"]`;

describe.skipIf(skipBrowserTests)("a fleet on the dashboard, in a real browser", () => {
  beforeAll(async () => {
    await buildExampleImages(project.config, "prod");
    await deploy();
    // eu-2 alone runs a newer version: the fleet's clusters now differ.
    writeFileSync(
      serviceFile,
      readFileSync(serviceFile, "utf8").replace('version: "1.0.0"', 'version: "1.1.0"'),
    );
    await buildExampleImages(project.config, "prod");
    await deploy("--cluster", "eu-2");
    // A cluster added since, whose API server is down.
    writeFileSync(project.config, config([...deployed, "ap-1"], ["eu-2", "us-1", "ap-1"]));
    ui = await startUi(kubeconfigWithADownCluster());
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(ui.url);
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    for (const name of deployed)
      await Cluster.open(contexts[name], platform.kubeconfig)
        .delete("Namespace", namespace, "")
        .catch(() => undefined);
  }, 60_000);

  it("shows prod as one column group with a column per cluster, in wave order", async () => {
    await waitForText(page, 'th[data-fleet="prod"]', "prod");
    expect(await textAt('th[data-fleet="prod"]')).toBe("prod (fleet: 4 clusters, in wave order)");
    const columns = await page.locator("#matrix-table thead tr:nth-child(2) th").allInnerTexts();
    expect(columns.map((c) => c.replace(/\s+/g, " ").trim())).toEqual([
      "prod · eu-1",
      "prod · eu-2",
      "prod · us-1",
      "prod · ap-1 ⚠ cannot read",
    ]);
  });

  it("each cell is what that cluster runs, read with its own client; the differing cells say so", async () => {
    await waitForText(page, `${cell("eu-2")} [data-version]`, "1.1.0");
    expect(await textAt(`${cell("eu-1")} [data-version]`)).toBe("1.0.0");
    expect(await textAt(`${cell("us-1")} [data-version]`)).toBe("1.0.0");
    for (const name of deployed) {
      expect(await textAt(`${cell(name)} [data-status]`), name).toMatch(/^✓ deployed \(r\d\)$/);
      expect(await page.locator(`${cell(name)}[data-differs]`).count(), name).toBe(1);
    }
    expect(await textAt(`${cell("eu-2")} [data-status]`)).toBe("✓ deployed (r2)");
    expect(await textAt(`${cell("eu-1")} [data-fleet-versions]`)).toBe(
      "≠ the fleet's clusters differ: eu-1 1.0.0 · eu-2 1.1.0 · us-1 1.0.0",
    );
    // The definitions now say 1.1.0: eu-1 and us-1 run an older version.
    expect(await textAt(`${cell("eu-1")} .flag.muted`)).toBe("defined: 1.1.0");
  });

  it("a cluster that cannot be read says so in its column; the others still show", async () => {
    expect(await textAt(cell("ap-1"))).toBe("⚠ cannot read ap-1");
    expect(await textAt("#matrix p.error")).toMatch(
      /^prod · ap-1: cannot read .* \(showing the last state read\)$/,
    );
  });

  it("above the matrix, the last fleet deploy: waves in order, each cluster's outcome, the bake", async () => {
    const section = 'section[data-fleet="prod"]';
    await waitForText(page, `${section} h3`, "the last fleet deploy");
    expect(await textAt(`${section} [data-fleet-status]`)).toBe("✓ done");
    const waves = await page.locator(`${section} li.wave`).evaluateAll((items) =>
      items.map((li) => ({
        wave: li.getAttribute("data-wave"),
        state: li.getAttribute("data-wave-state"),
        clusters: [...li.querySelectorAll("[data-cluster]")].map(
          (c) => `${c.getAttribute("data-cluster")}:${c.getAttribute("data-outcome")}`,
        ),
        bake: li.querySelector("[data-bake]")?.getAttribute("data-bake") ?? null,
      })),
    );
    // The --cluster eu-2 deploy that followed is eu-2's own, not a fleet deploy: the journal is the fleet's.
    expect(waves).toEqual([
      { wave: "1", state: "done", clusters: ["eu-1:deployed"], bake: "healthy" },
      { wave: "2", state: "done", clusters: ["eu-2:deployed", "us-1:deployed"], bake: null },
    ]);
    expect(await textAt(`${section} li[data-wave="1"] [data-bake]`)).toMatch(
      /^✓ healthy through its bake of [34] s$/,
    );
    expect(await page.locator(`${section} [data-line-stopped]`).count()).toBe(0);
    await screenshot(page, "dashboard-fleet");
  });
});
