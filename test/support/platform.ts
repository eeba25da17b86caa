import { randomBytes } from "node:crypto";
import { BatchV1Api, AppsV1Api, CoreV1Api, KubeConfig, type V1Deployment } from "@kubernetes/client-node";
import { loadPlatform } from "../../platform/src/connection.ts";
import { sleep } from "../../platform/src/process/wait.ts";

export const platform = loadPlatform();
// Slipway run in-process reads the registry's and the Jenkins stand-in's credentials from these,
// as `npm run platform -- env` exports them for a shell.
process.env.DOCKER_CONFIG = platform.dockerConfig;
process.env.SLIPWAY_JENKINS_CREDENTIALS = platform.jenkins.credentialsFile;

/** The admin kubeconfig at one of its contexts (local, k3s, rancher, edge); its current one by default. */
export function adminKube(context?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(platform.kubeconfig);
  if (context) kc.setCurrentContext(context);
  return kc;
}

/** Typed API clients as the admin, on one context of the platform's kubeconfig. */
export const kubeAt = (context?: string) => ({
  core: () => adminKube(context).makeApiClient(CoreV1Api),
  apps: () => adminKube(context).makeApiClient(AppsV1Api),
  batch: () => adminKube(context).makeApiClient(BatchV1Api),
});

export const kube = kubeAt();

/** An image reference for smoke tests: KWOK never pulls, so any reference will do. */
export const smokeImage = "registry.invalid/smoke:1";

/** Creates a 2-replica Deployment "web" and waits until it is Available with both pods Ready. */
export async function runWebDeployment(
  apps: AppsV1Api,
  namespace: string,
  what: string,
): Promise<V1Deployment> {
  const labels = { app: "web" };
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: "web" },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: "web", image: smokeImage }] } },
      },
    },
  });
  return eventually(
    () => apps.readNamespacedDeployment({ namespace, name: "web" }),
    (d) =>
      d.status?.conditions?.some((c) => c.type === "Available" && c.status === "True") === true &&
      d.status?.readyReplicas === 2,
    what,
  );
}

export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(3).toString("hex")}`;

/** A fresh namespace for one test file; the returned function deletes it. */
export async function withNamespace(prefix: string): Promise<{ name: string; remove: () => Promise<void> }> {
  const name = uniqueName(prefix);
  await kube.core().createNamespace({ body: { metadata: { name } } });
  return { name, remove: async () => void (await kube.core().deleteNamespace({ name })) };
}

/**
 * Re-reads an object until `check` returns a value (not undefined). Test-side only:
 * it bounds a wait for a condition, it does not measure speed.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (check(last)) return last;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)?.slice(0, 2000)}`);
}

/** The platform's own tools (crane, kubectl), from the build cache. */
export async function platformBinaries(): Promise<import("../../platform/src/build/binaries.ts").Binaries> {
  const { ensureBinaries } = await import("../../platform/src/build/binaries.ts");
  const { defaultLayout } = await import("../../platform/src/layout.ts");
  const { silentProgress } = await import("../../platform/src/progress.ts");
  return ensureBinaries(defaultLayout().cacheDir, silentProgress);
}
