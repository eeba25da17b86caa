import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realNode } from "../../platform/src/parts/node/network.ts";
import { buildAndPushImage } from "../../scripts/build-images.ts";
import { platform, platformBinaries } from "../support/platform.ts";
import { repoRoot } from "../support/project.ts";

const run = promisify(execFile);

// The first plane's real node: `platform status` lists it beside KWOK's simulated nodes, and a
// pod scheduled there is a process in a container: pulled from the local registry with the pull
// secret, probed, with logs and exec, reaching a Service and the platform's servers by name.
const namespace = `real-node-${randomBytes(3).toString("hex")}`;
let kubectl: string;
const k = async (...args: string[]): Promise<string> =>
  (
    await run(
      kubectl,
      ["--kubeconfig", platform.kubeconfig, "--context", "local", "-n", namespace, ...args],
      {
        maxBuffer: 8 * 1024 * 1024,
      },
    )
  ).stdout;

beforeAll(async () => {
  kubectl = (await platformBinaries()).kubectl;
  const image = await buildAndPushImage({
    service: "mail",
    version: `real-node-${namespace}`,
    image: "real-node-mail",
    program: join(repoRoot, "examples/platform/services/mail/app"),
    calls: [{ name: "mail.send", audited: false }],
    servicePort: 80,
  });
  await k("create", "namespace", namespace).catch(() => undefined);
  await run(kubectl, [
    "--kubeconfig",
    platform.kubeconfig,
    "-n",
    namespace,
    "create",
    "secret",
    "docker-registry",
    "pull",
    `--docker-server=${platform.registry}`,
    `--docker-username=${platform.secrets.registryUser}`,
    `--docker-password=${platform.secrets.registryPassword}`,
  ]);
  const manifest = {
    apiVersion: "v1",
    kind: "List",
    items: [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "mail", namespace },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: "mail" } },
          template: {
            metadata: { labels: { app: "mail" } },
            spec: {
              imagePullSecrets: [{ name: "pull" }],
              nodeSelector: platform.realNode.selector,
              tolerations: [platform.realNode.toleration],
              terminationGracePeriodSeconds: 5,
              containers: [
                {
                  name: "mail",
                  image: `${image.reference.split(":").slice(0, -1).join(":")}@${image.digest}`,
                  readinessProbe: { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 1 },
                },
              ],
            },
          },
        },
      },
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "mail", namespace },
        spec: { selector: { app: "mail" }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    ],
  };
  const file = join(mkdtempSync(join(tmpdir(), "slipway-real-node-")), "manifest.json");
  writeFileSync(file, JSON.stringify(manifest));
  await k("apply", "-f", file);
  await k("rollout", "status", "deployment/mail", "--timeout=120s");
});

afterAll(async () => {
  await k("delete", "namespace", namespace, "--wait=false").catch(() => undefined);
});

describe("the real node", () => {
  it("is listed Ready beside the simulated ones by `platform status`", async () => {
    const { stdout } = await run("npm", ["run", "-s", "platform", "--", "status", "-o", "json"], {
      cwd: repoRoot,
    });
    const status = JSON.parse(stdout) as {
      nodes: { name: string; kind: string; ready: boolean; runtime: string }[];
    };
    const real = status.nodes.find((n) => n.name === realNode.name);
    expect(real).toMatchObject({ kind: "real", ready: true });
    expect(real?.runtime).toMatch(/^containerd:\/\/2\./);
    expect(status.nodes.filter((n) => n.kind === "simulated").length).toBeGreaterThanOrEqual(2);
  });

  it("runs the pod as a process in a container, pulled with the pull secret, probed Ready", async () => {
    const pod = JSON.parse(await k("get", "pods", "-l", "app=mail", "-o", "json")) as {
      items: {
        spec: { nodeName: string };
        status: {
          podIP: string;
          containerStatuses: { ready: boolean; containerID: string; state: { running?: object } }[];
        };
      }[];
    };
    const [first] = pod.items;
    expect(first?.spec.nodeName).toBe(realNode.name);
    expect(first?.status.podIP).toMatch(/^10\.89\./);
    const container = first?.status.containerStatuses[0];
    expect(container?.ready).toBe(true);
    expect(container?.state.running).toBeDefined();
    expect(container?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
  });

  it("serves the container's logs and runs exec in it", async () => {
    expect(await k("logs", "deployment/mail")).toContain("listening on :8080");
    const out = await k("exec", "deployment/mail", "--", "/usr/bin/node", "-e", "console.log(process.pid)");
    // The program is PID 1 of its own PID namespace; exec is another process in it.
    expect(Number(out.trim())).toBeGreaterThan(1);
  });

  it("routes a Service by its DNS name from a pod, and the platform's search server by name", async () => {
    const script = `
      const get = (u) => fetch(u).then((r) => r.status).catch((e) => String(e.cause?.code ?? e));
      Promise.all([
        get("http://mail.${namespace}.svc.cluster.local/ready"),
        get("${platform.realNode.elasticsearch}/_cluster/health"),
      ]).then((s) => console.log(s.join(" ")));`;
    const out = await k("exec", "deployment/mail", "--", "/usr/bin/node", "-e", script);
    expect(out.trim()).toBe("200 200");
  });

  it("routes a Service's ClusterIP from this machine (kube-proxy, nftables)", async () => {
    const ip = (await k("get", "service", "mail", "-o", "jsonpath={.spec.clusterIP}")).trim();
    const response = await fetch(`http://${ip}/ready`, { signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(200);
  });

  it("keeps the pods' traffic on this machine: the forward guard drops what would leave", async () => {
    const { stdout } = await run("nft", ["list", "table", "inet", "slipway_node_guard"]);
    expect(stdout).toContain(`ip saddr ${realNode.podSubnet} oifname != "${realNode.bridge}" drop`);
    expect(stdout).toContain(`ip daddr ${realNode.podSubnet} iifname != "${realNode.bridge}" drop`);
  });
});
