import type { V1ConfigMap, V1PersistentVolumeClaim } from "@kubernetes/client-node";
import { metadata, type RenderContext } from "./labels.ts";

export function renderConfigMaps(ctx: RenderContext): V1ConfigMap[] {
  return [...ctx.service.configMaps.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, entries]) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: metadata(ctx, name),
      data: Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b))),
    }));
}

export function renderVolumeClaims(ctx: RenderContext): V1PersistentVolumeClaim[] {
  return Object.entries(ctx.service.spec.volumes ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, volume]) => ({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: metadata(ctx, `${ctx.service.spec.name}-${name}`),
      spec: {
        accessModes: [volume.accessMode ?? "ReadWriteOnce"],
        storageClassName: volume.storageClass ?? ctx.env.storageClass,
        resources: { requests: { storage: volume.size } },
      },
    }));
}
