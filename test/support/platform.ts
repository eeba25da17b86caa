import { randomBytes } from "node:crypto";
import { BatchV1Api, AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { loadPlatform } from "../../platform/src/connection.ts";
import { sleep } from "../../platform/src/process/wait.ts";

export const platform = loadPlatform();
// Slipway run in-process reads the registry's and the Jenkins stand-in's credentials from these,
// as `npm run platform -- env` exports them for a shell.
process.env.DOCKER_CONFIG = platform.dockerConfig;
process.env.SLIPWAY_JENKINS_CREDENTIALS = platform.jenkins.credentialsFile;

export function adminKube(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(platform.kubeconfig);
  return kc;
}

export const kube = {
  core: () => adminKube().makeApiClient(CoreV1Api),
  apps: () => adminKube().makeApiClient(AppsV1Api),
  batch: () => adminKube().makeApiClient(BatchV1Api),
};

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
