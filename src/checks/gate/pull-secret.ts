import type { Cluster } from "../../clients/kubernetes/cluster.ts";
import type { EnvironmentModel } from "../../definitions/model.ts";
import { failed, passed, type GateCheck } from "./types.ts";

/**
 * The registry is private: the namespace must hold the pull secret the workloads name, with
 * credentials for the registry, or pods fail to pull long after the deploy said yes.
 */
export async function checkPullSecret(
  cluster: Cluster,
  env: EnvironmentModel,
): Promise<GateCheck | undefined> {
  const name = env.registry.pullSecret;
  if (!name) return undefined;
  const namespace = env.cluster.namespace;
  const host = env.registry.host;
  const fix = `kubectl -n ${namespace} create secret docker-registry ${name} --docker-server=${host} --docker-username=<user> --docker-password=<password>`;
  const secret = (await cluster.get("Secret", name, namespace)) as
    { type?: string; data?: Record<string, string> } | undefined;
  if (!secret)
    return failed("pull-secret", `Secret ${name} in ${namespace}`, [
      `namespace ${namespace} has no Secret ${name}, which the workloads name as their image pull secret: pods could not pull from ${host}; fix: ${fix}`,
    ]);
  if (secret.type !== "kubernetes.io/dockerconfigjson")
    return failed("pull-secret", `Secret ${name} in ${namespace}`, [
      `Secret ${name} in ${namespace} is of type ${secret.type ?? "Opaque"}, not kubernetes.io/dockerconfigjson; fix: recreate it with ${fix}`,
    ]);
  let hosts: string[] = [];
  try {
    const config = JSON.parse(
      Buffer.from(secret.data?.[".dockerconfigjson"] ?? "", "base64").toString("utf8"),
    ) as {
      auths?: Record<string, unknown>;
    };
    hosts = Object.keys(config.auths ?? {});
  } catch {
    // Unreadable: reported below as holding no credentials for the registry (never quoted).
  }
  const forHost = hosts.some((h) => h.replace(/^https?:\/\//, "").replace(/\/.*$/, "") === host);
  return forHost
    ? passed("pull-secret", `Secret ${name} in ${namespace} holds credentials for ${host}`)
    : failed("pull-secret", `Secret ${name} in ${namespace}`, [
        `Secret ${name} in ${namespace} holds no credentials for ${host}; fix: ${fix}`,
      ]);
}
