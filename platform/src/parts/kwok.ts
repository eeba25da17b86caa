import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CoreV1Api, StorageV1Api, type V1Node } from "@kubernetes/client-node";
import { kwokStageFiles } from "../build/binaries.ts";
import { apiStatusCode } from "../kube-client.ts";
import { partDir } from "../layout.ts";
import { host, versions } from "../versions.ts";
import { localPlane, partName, type ControlPlane } from "./control-plane.ts";
import { goBuilt, requireBinaries, type Part } from "./part.ts";
import { componentKubeconfigPath, planeAdminKubeConfig } from "./kube-identities.ts";

/** The first plane's simulated nodes. KWOK manages only nodes with this label, never a real one. */
export const kwokNodeNames = localPlane.nodeNames;
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
        "slipway.dev/node": "simulated",
      },
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
    },
  };
}

/** A control plane's KWOK: its own simulated nodes and the storage classes, default per flavour. */
export function kwokPart(plane: ControlPlane): Part {
  const name = partName(plane, "kwok");
  return {
    name,
    install: goBuilt("tools"),
    // `prepare` reads KWOK's stage files from the Go module cache through `go list`.
    tools: [{ path: "go", install: "install Go and put it on PATH (scripts/setup.sh expects it)" }],
    address: `${plane.nodeNames.length} simulated nodes (${plane.nodeNames.join(", ")})`,
    ports: [plane.ports.kwok],
    dependsOn: [partName(plane, "kube-apiserver")],
    startTimeoutMs: 60_000,
    async prepare(ctx) {
      const dir = partDir(ctx.layout, name);
      mkdirSync(dir, { recursive: true });
      const stages = kwokStageFiles().map((file) =>
        readFileSync(file, "utf8").trim().replaceAll(kwokStorageClass, ourStorageClasses),
      );
      writeFileSync(join(dir, "stages.yaml"), stages.join("\n---\n") + "\n");
      const core = planeAdminKubeConfig(ctx, plane).makeApiClient(CoreV1Api);
      for (const node of plane.nodeNames) {
        try {
          await core.createNode({ body: nodeObject(node) });
        } catch (error) {
          if (apiStatusCode(error) !== 409) throw error;
        }
      }
      const storage = planeAdminKubeConfig(ctx, plane).makeApiClient(StorageV1Api);
      for (const storageClass of simulatedStorageClasses) {
        try {
          await storage.createStorageClass({
            body: {
              metadata: {
                name: storageClass,
                ...(storageClass === plane.defaultStorageClass
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
      const dir = partDir(ctx.layout, name);
      const kubeconfig = `--kubeconfig=${componentKubeconfigPath(ctx, name)}`;
      return {
        executable: requireBinaries(ctx).kwok,
        // Every plane runs the same binary: a live PID is ours only if it uses our kubeconfig.
        marker: kubeconfig,
        args: [
          kubeconfig,
          `--config=${join(dir, "stages.yaml")}`,
          `--manage-nodes-with-label-selector=${managedLabel}=true`,
          `--server-address=${host}:${plane.ports.kwok}`,
          "--cidr=10.244.0.0/16",
          `--node-ip=${host}`,
        ],
      };
    },
    async healthy(ctx) {
      const core = planeAdminKubeConfig(ctx, plane).makeApiClient(CoreV1Api);
      const nodes = await core.listNode({ labelSelector: `${managedLabel}=true` });
      const ready = nodes.items.filter((node) =>
        node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
      );
      return ready.length >= plane.nodeNames.length;
    },
    async version() {
      return versions.kwok;
    },
  };
}
