import type { ServiceModel } from "./model.ts";
import { containerOf } from "./container.ts";

/**
 * ConfigMaps a service offers to the others (`configMaps.<name>.shared`), by name, with the
 * service that renders and owns each: one copy that every service mounts, instead of eight
 * that drift apart.
 */
export function sharedConfigMaps(services: readonly ServiceModel[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const s of services)
    for (const [name, configMap] of Object.entries(s.spec.configMaps ?? {}))
      if (configMap.shared && !owners.has(name)) owners.set(name, s.spec.name);
  return owners;
}

/** The ConfigMaps a service's pods use by name: mounted files, env values and projected volumes. */
export function configMapsUsed(service: ServiceModel): string[] {
  const { spec } = service;
  const own = containerOf(spec);
  const fromEnv = (env: Record<string, unknown> | undefined): string[] =>
    Object.values(env ?? {}).flatMap((v) =>
      typeof v === "object" && v !== null && "configMap" in v ? [(v as { configMap: string }).configMap] : [],
    );
  return [
    ...new Set([
      ...(own.configFiles ?? []).map((m) => m.configMap),
      ...fromEnv(own.env),
      ...Object.values(spec.pod?.initContainers ?? {}).flatMap((c) => fromEnv(c.env)),
      ...Object.values(spec.pod?.sidecars ?? {}).flatMap((c) => fromEnv(c.env)),
      ...Object.values(spec.pod?.volumes ?? {}).flatMap((v) => v.projected?.configMaps ?? []),
    ]),
  ];
}

/** The shared ConfigMaps of other services that a service uses, with their owners. */
export function sharedConfigUsed(
  service: ServiceModel,
  owners: ReadonlyMap<string, string>,
): { readonly name: string; readonly owner: string }[] {
  const own = new Set(Object.keys(service.spec.configMaps ?? {}));
  return configMapsUsed(service).flatMap((name) => {
    const owner = owners.get(name);
    return !own.has(name) && owner && owner !== service.spec.name ? [{ name, owner }] : [];
  });
}
