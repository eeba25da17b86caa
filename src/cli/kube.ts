import { homedir } from "node:os";
import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { contextNames, contextTarget, loadKubeConfig } from "../checks/access/kubeconfig.ts";
import { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel } from "../definitions/model.ts";
import { UsageError } from "./usage-error.ts";

/** The kubeconfig a command reads: --kubeconfig, else $KUBECONFIG, else ~/.kube/config. */
export const kubeconfigPath = (explicit: string | undefined): string =>
  explicit ?? (process.env.KUBECONFIG || join(homedir(), ".kube", "config"));

/**
 * Reads the kubeconfig without contacting anything. One that is missing or is not a kubeconfig
 * is a wrong command line or setup (exit 2), said with its path.
 */
export function readKubeConfig(explicit: string | undefined): KubeConfig {
  try {
    return loadKubeConfig(explicit);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "permission denied"
          : code === "EISDIR"
            ? "is a folder"
            : `not a kubeconfig (${firstLine((error as Error).message)})`;
    throw new UsageError(
      `cannot read kubeconfig ${kubeconfigPath(explicit)}: ${why}`,
      "pass --kubeconfig <path> or set KUBECONFIG",
    );
  }
}

/**
 * A client for the environment's kube context. A kubeconfig without that context is a setup
 * error, found before any request: exit 2, naming the context and the contexts there are.
 */
export function openCluster(env: EnvironmentModel, explicit: string | undefined): Cluster {
  const kc = readKubeConfig(explicit);
  const context = env.cluster.context;
  if (!contextTarget(kc, context).exists) throw noContext(env, kc, explicit);
  kc.setCurrentContext(context);
  return new Cluster(kc, context);
}

export function noContext(env: EnvironmentModel, kc: KubeConfig, explicit: string | undefined): UsageError {
  return new UsageError(
    `environment ${env.name}: kubeconfig has no context "${env.cluster.context}" (contexts: ${contextNames(kc)})`,
    `read ${kubeconfigPath(explicit)}; pass --kubeconfig <path>, set KUBECONFIG, or fix the environment's cluster.context`,
  );
}

const firstLine = (text: string): string => text.split("\n")[0]?.trim() ?? text;
