import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CoreV1Api, StorageV1Api, type V1Node } from "@kubernetes/client-node";
import { kwokStageFiles } from "../build/binaries.ts";
import { adminKubeConfig, apiStatusCode } from "../kube-client.ts";
import { partDir } from "../layout.ts";
import { host, ports, versions } from "../versions.ts";
import { requireBinaries, type Part } from "./part.ts";
import { componentKubeconfigPath } from "./kube-identities.ts";

/** The simulated nodes. KWOK manages only nodes with this label, never a real one. */
export const kwokNodeNames = ["slipway-node-1", "slipway-node-2"] as const;
const managedLabel = "slipway.dev/kwok-node";

/**
 * The storage classes of the clusters Slipway targets (K3s: local-path; Rancher: Longhorn),
 * provisioned by KWOK's volume stages so claims bind as they would there.
 */
export const simulatedStorageClasses = ["local-path", "longhorn"] as const;
const kwokStorageClass = "self.spec.storageClassName == 'kwok-volume'";
const ourStorageClasses = `self.spec.storageClassName in [${simulatedStorageClasses.map((c) => `'${c}'`).join(", ")}]`;

/** The label that makes KWOK fail a running pod: our fault injection for tests. */
export const failPodLabel = "pod-container-running-failed.stage.kwok.x-k8s.io";

function nodeObject(name: string): V1Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        [managedLabel]: "true",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        type: "kwok",
      },
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
    },
  };
}

export const kwok: Part = {
  name: "kwok",
  address: `${kwokNodeNames.length} simulated nodes (${kwokNodeNames.join(", ")})`,
  ports: [ports.kwok],
  dependsOn: ["kube-apiserver"],
  startTimeoutMs: 60_000,
  async prepare(ctx) {
    const dir = partDir(ctx.layout, "kwok");
    mkdirSync(dir, { recursive: true });
    const stages = kwokStageFiles().map((file) =>
      readFileSync(file, "utf8").trim().replaceAll(kwokStorageClass, ourStorageClasses),
    );
    writeFileSync(join(dir, "stages.yaml"), stages.join("\n---\n") + "\n");
    const core = adminKubeConfig(ctx.layout).makeApiClient(CoreV1Api);
    for (const name of kwokNodeNames) {
      try {
        await core.createNode({ body: nodeObject(name) });
      } catch (error) {
        if (apiStatusCode(error) !== 409) throw error;
      }
    }
    const storage = adminKubeConfig(ctx.layout).makeApiClient(StorageV1Api);
    for (const name of simulatedStorageClasses) {
      try {
        await storage.createStorageClass({
          body: {
            metadata: {
              name,
              ...(name === "local-path"
                ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }
                : {}),
            },
            provisioner: "kwok.x-k8s.io/volume",
            reclaimPolicy: "Delete",
            volumeBindingMode: "Immediate",
          },
        });
      } catch (error) {
        if (apiStatusCode(error) !== 409) throw error;
      }
    }
  },
  launch(ctx) {
    const dir = partDir(ctx.layout, "kwok");
    return {
      executable: requireBinaries(ctx).kwok,
      args: [
        `--kubeconfig=${componentKubeconfigPath(ctx, "kwok")}`,
        `--config=${join(dir, "stages.yaml")}`,
        `--manage-nodes-with-label-selector=${managedLabel}=true`,
        `--server-address=${host}:${ports.kwok}`,
        "--cidr=10.244.0.0/16",
        `--node-ip=${host}`,
      ],
    };
  },
  async healthy(ctx) {
    const core = adminKubeConfig(ctx.layout).makeApiClient(CoreV1Api);
    const nodes = await core.listNode({ labelSelector: `${managedLabel}=true` });
    const ready = nodes.items.filter((node) =>
      node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    return ready.length >= kwokNodeNames.length;
  },
  async version() {
    return versions.kwok;
  },
};
