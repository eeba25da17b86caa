import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { goModuleDir } from "../repo.ts";
import { versions } from "../versions.ts";
import type { Progress } from "../progress.ts";
import { ensureGoBuild } from "./go-build.ts";

export interface Binaries {
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kubectl: string;
  readonly kubelet: string;
  readonly kubeProxy: string;
  readonly containerd: string;
  readonly ctr: string;
  readonly pause: string;
  readonly coredns: string;
  readonly etcd: string;
  readonly kwok: string;
  readonly crane: string;
  readonly mailpit: string;
}

/** Builds (cold) or finds (warm) every Go binary the platform runs. */
export async function ensureBinaries(cacheDir: string, progress: Progress): Promise<Binaries> {
  const kube = versions.kubernetes;
  const minor = kube.split(".")[1] ?? "";
  const kubeLdflags = [
    "-s -w",
    `-X k8s.io/component-base/version.gitVersion=${kube}`,
    "-X k8s.io/component-base/version.gitMajor=1",
    `-X k8s.io/component-base/version.gitMinor=${minor}`,
    "-X k8s.io/component-base/version.gitTreeState=clean",
  ].join(" ");
  const kubernetes = await ensureGoBuild(
    cacheDir,
    {
      name: "kubernetes",
      version: kube,
      moduleDir: goModuleDir("kubernetes"),
      packages: [
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "kubectl",
        "kubelet",
        "kube-proxy",
      ].map((c) => `k8s.io/kubernetes/cmd/${c}`),
      ldflags: kubeLdflags,
    },
    progress,
  );
  const etcd = await ensureGoBuild(
    cacheDir,
    {
      name: "etcd",
      version: versions.etcd,
      moduleDir: goModuleDir("etcd"),
      packages: ["slipway.local/platform/etcd"],
      ldflags: "-s -w",
    },
    progress,
  );
  const tools = await ensureGoBuild(
    cacheDir,
    {
      name: "tools",
      version: `kwok-${versions.kwok}-crane-${versions.crane}`,
      moduleDir: goModuleDir("tools"),
      packages: ["sigs.k8s.io/kwok/cmd/kwok", "github.com/google/go-containerregistry/cmd/crane"],
      ldflags: "-s -w",
    },
    progress,
  );
  // The real node's runtime: containerd, ctr, the runc shim, and the pod sandbox's pause.
  const node = await ensureGoBuild(
    cacheDir,
    {
      name: "node",
      version: `containerd-${versions.containerd}`,
      moduleDir: goModuleDir("node"),
      packages: [
        "github.com/containerd/containerd/v2/cmd/containerd",
        "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2",
        "github.com/containerd/containerd/v2/cmd/ctr",
        "slipway.local/platform/node/pause",
      ],
      ldflags: `-s -w -X github.com/containerd/containerd/v2/version.Version=${versions.containerd.replace(/^v/, "")}`,
      tags: "no_btrfs",
    },
    progress,
  );
  const coredns = await ensureGoBuild(
    cacheDir,
    {
      name: "coredns",
      version: versions.coredns,
      moduleDir: goModuleDir("coredns"),
      packages: ["github.com/coredns/coredns"],
      ldflags: "-s -w",
    },
    progress,
  );
  const mailpit = await ensureGoBuild(
    cacheDir,
    {
      name: "mailpit",
      version: versions.mailpit,
      moduleDir: goModuleDir("mailpit"),
      packages: ["github.com/axllent/mailpit"],
      ldflags: `-s -w -X github.com/axllent/mailpit/config.Version=${versions.mailpit}`,
    },
    progress,
  );
  const need = (map: Map<string, string>, name: string): string => {
    const path = map.get(name);
    if (!path) throw new Error(`internal: no binary ${name} in build`);
    return path;
  };
  return {
    kubeApiserver: need(kubernetes, "kube-apiserver"),
    kubeControllerManager: need(kubernetes, "kube-controller-manager"),
    kubeScheduler: need(kubernetes, "kube-scheduler"),
    kubectl: need(kubernetes, "kubectl"),
    kubelet: need(kubernetes, "kubelet"),
    kubeProxy: need(kubernetes, "kube-proxy"),
    containerd: need(node, "containerd"),
    ctr: need(node, "ctr"),
    pause: need(node, "pause"),
    coredns: need(coredns, "coredns"),
    etcd: need(etcd, "etcd"),
    kwok: need(tools, "kwok"),
    crane: need(tools, "crane"),
    mailpit: need(mailpit, "mailpit"),
  };
}

/**
 * Builds (cold) or finds (warm) Helm 3, for the deploy bench only: `platform up` does not
 * build it. Its own wrapper module, since Helm pins k8s.io modules of its own.
 */
export async function ensureHelm(cacheDir: string, progress: Progress): Promise<string> {
  const version = versions.helm;
  const ldflags = [
    "-s -w",
    `-X helm.sh/helm/v3/internal/version.version=${version}`,
    "-X helm.sh/helm/v3/internal/version.metadata=",
    "-X helm.sh/helm/v3/internal/version.gitTreeState=clean",
  ].join(" ");
  const build = await ensureGoBuild(
    cacheDir,
    {
      name: "helm",
      version,
      moduleDir: goModuleDir("helm"),
      packages: ["helm.sh/helm/v3/cmd/helm"],
      ldflags,
    },
    progress,
  );
  const path = build.get("helm");
  if (!path) throw new Error("internal: no binary helm in build");
  return path;
}

/**
 * Builds (cold) or finds (warm) kapp (Carvel), for the deploy bench only: `platform up` does not
 * build it. Its own wrapper module, since kapp pins k8s.io modules of its own.
 */
export async function ensureKapp(cacheDir: string, progress: Progress): Promise<string> {
  const build = await ensureGoBuild(
    cacheDir,
    {
      name: "kapp",
      version: versions.kapp,
      moduleDir: goModuleDir("kapp"),
      packages: ["carvel.dev/kapp/cmd/kapp"],
      ldflags: `-s -w -X carvel.dev/kapp/pkg/kapp/version.Version=${versions.kapp}`,
    },
    progress,
  );
  const path = build.get("kapp");
  if (!path) throw new Error("internal: no binary kapp in build");
  return path;
}

/**
 * Builds (cold) or finds (warm) cosign, for the tests that check Slipway's signatures and
 * attestations against cosign's own: `platform up` does not build it.
 */
export async function ensureCosign(cacheDir: string, progress: Progress): Promise<string> {
  const build = await ensureGoBuild(
    cacheDir,
    {
      name: "cosign",
      version: versions.cosign,
      moduleDir: goModuleDir("cosign"),
      packages: ["github.com/sigstore/cosign/v2/cmd/cosign"],
      ldflags: `-s -w -X sigs.k8s.io/release-utils/version.gitVersion=${versions.cosign}`,
    },
    progress,
  );
  const path = build.get("cosign");
  if (!path) throw new Error("internal: no binary cosign in build");
  return path;
}

/**
 * KWOK's own stage definitions, read from its module in the Go module cache
 * (downloaded by the build above), so we run exactly the stages of the version we built.
 */
export function kwokStageFiles(): string[] {
  const json = execFileSync("go", ["list", "-m", "-json", "sigs.k8s.io/kwok"], {
    cwd: goModuleDir("tools"),
    encoding: "utf8",
  });
  const dir = (JSON.parse(json) as { Dir?: string }).Dir;
  if (!dir)
    throw new Error(
      "go list did not report the kwok module's directory; run `go mod download` in platform/go/tools",
    );
  const stage = join(dir, "kustomize", "stage");
  return [
    "node/fast/node-initialize.yaml",
    "node/heartbeat/node-heartbeat.yaml",
    "pod/fast/pod-ready.yaml",
    "pod/fast/pod-complete.yaml",
    "pod/fast/pod-delete.yaml",
    // Fails a running pod labelled pod-container-running-failed.stage.kwok.x-k8s.io=true: our fault injection.
    "pod/chaos/pod-container-running-failed.yaml",
    // Provisions and binds volumes, so PersistentVolumeClaims bind as on a real cluster.
    "volume/fast/pvc-provision.yaml",
    "volume/fast/pv-bind.yaml",
    "volume/fast/pvc-delete.yaml",
    "volume/fast/pv-delete.yaml",
  ].map((file) => join(stage, file));
}
