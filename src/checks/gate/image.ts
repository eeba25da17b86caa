import { RegistryClient } from "../../clients/registry/client.ts";
import { checkImage } from "../registry/image-check.ts";
import type { EnvironmentModel, ServiceModel } from "../../definitions/model.ts";
import { failed, passed, type GateCheck } from "./types.ts";

export interface ImageVerdict {
  readonly check: GateCheck;
  readonly repository: string;
  readonly digest?: string;
  readonly revision?: string;
}

/** The repository of a service's image in the environment's registry, as rendering names it. */
export function imageRepository(
  env: EnvironmentModel,
  service: ServiceModel,
): { host: string; path: string } {
  const image = service.spec.image;
  if (!image.includes("/"))
    return { host: env.registry.host, path: `${env.registry.repositoryPrefix}/${image}` };
  const [host, ...rest] = image.split("/");
  return { host: host as string, path: rest.join("/") };
}

/**
 * One registry client per host, shared by the services of a plan and by the checks that read
 * the registry (resolution, signatures): they learn the registry's authentication once.
 */
export type RegistryClients = Map<string, RegistryClient>;

/** The plan's client for `host`, made on first use. */
export function registryClientFor(clients: RegistryClients, host: string, insecure: boolean): RegistryClient {
  let client = clients.get(host);
  if (!client) clients.set(host, (client = RegistryClient.fromEnvironment(host, { insecure })));
  return client;
}

/** The version's tag is in the registry and says which commit it was built from. */
export async function checkServiceImage(
  env: EnvironmentModel,
  service: ServiceModel,
  clients: RegistryClients = new Map(),
): Promise<ImageVerdict> {
  const { host, path } = imageRepository(env, service);
  const repository = `${host}/${path}`;
  const insecure = env.registry.insecure === true;
  const client = registryClientFor(clients, host, insecure);
  const result = await checkImage({
    registry: host,
    repository: path,
    tag: service.spec.version,
    insecure,
    client,
  });
  const problems = result.findings.filter((f) => f.severity === "error").map((f) => f.message);
  const check = result.ok
    ? passed(
        "image",
        `${repository}:${service.spec.version} is ${result.digest} (revision ${result.revision?.slice(0, 12) ?? "unknown"})`,
      )
    : failed("image", `${repository}:${service.spec.version}`, problems);
  return {
    check,
    repository,
    ...(result.digest ? { digest: result.digest } : {}),
    ...(result.revision ? { revision: result.revision } : {}),
  };
}
