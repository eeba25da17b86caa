import type { KubernetesObject } from "@kubernetes/client-node";
import {
  servicesIn,
  type EnvironmentModel,
  type ProjectModel,
  type ServiceModel,
} from "../definitions/model.ts";
import { rawObjectKinds } from "../definitions/schema/escape-hatch.ts";
import { renderAccess } from "./access.ts";
import { renderAutoscaler, renderDisruptionBudget } from "./availability.ts";
import { renderConfigMaps, renderVolumeClaims } from "./config.ts";
import type { RenderContext } from "./labels.ts";
import { applyPatches } from "./patches.ts";
import { renderRawObjects } from "./raw-objects.ts";
import { renderIngress, renderKubernetesService, renderNetworkPolicy } from "./networking.ts";
import {
  renderAdHocJob,
  renderCronJobs,
  renderDeployment,
  renderMigrationJob,
  renderVerifyJob,
} from "./workloads.ts";

export interface RenderOptions {
  /** Image digests by service name; workloads reference these instead of tags. */
  readonly digests?: ReadonlyMap<string, string>;
}

/**
 * Every object a service runs as in one environment, in apply order (identities and
 * config before the workloads that use them). Pure: same input, same output.
 */
export function renderServiceObjects(
  project: string,
  env: EnvironmentModel,
  service: ServiceModel,
  options: RenderOptions = {},
): KubernetesObject[] {
  const ctx: RenderContext = {
    project,
    env,
    service,
    ...(options.digests ? { digests: options.digests } : {}),
  };
  const objects: (KubernetesObject | undefined)[] = [
    ...renderAccess(ctx),
    ...renderConfigMaps(ctx),
    ...renderVolumeClaims(ctx),
    renderKubernetesService(ctx),
    renderDeployment(ctx),
    renderDisruptionBudget(ctx),
    renderAutoscaler(ctx),
    ...renderCronJobs(ctx),
    renderIngress(ctx),
    renderNetworkPolicy(ctx),
  ];
  const own = objects.filter((o): o is KubernetesObject => o !== undefined);
  // Raw objects go where their kind's apply order puts them (a ConfigMap before the workloads);
  // the sort is stable and Slipway's own objects are already in that order.
  const order = Object.keys(rawObjectKinds);
  const rank = (o: KubernetesObject): number => order.indexOf(o.kind ?? "");
  const all = [...own, ...renderRawObjects(ctx)].sort((a, b) => rank(a) - rank(b));
  return applyPatches(ctx, all);
}

/** Every object of the named services (all when none are named) in one environment, in dependency order. */
export function renderEnvironment(
  project: ProjectModel,
  envName: string,
  only: readonly string[] = [],
  options: RenderOptions = {},
): KubernetesObject[] {
  const env = project.environments.find((e) => e.name === envName);
  if (!env || !project.services.has(envName))
    throw new Error(`internal: environment ${envName} is not loaded`);
  return servicesIn(project, envName, only).flatMap((s) =>
    renderServiceObjects(project.name, env, s, options),
  );
}

/**
 * The Jobs a service may start besides what a deploy applies (its migration Job, verifications,
 * ad-hoc jobs), as templates: checks of the pods it runs read them with the rendered objects.
 */
export function renderJobTemplates(
  project: string,
  env: EnvironmentModel,
  service: ServiceModel,
  options: RenderOptions = {},
): KubernetesObject[] {
  const ctx: RenderContext = {
    project,
    env,
    service,
    ...(options.digests ? { digests: options.digests } : {}),
  };
  const { spec } = service;
  return [
    ...(spec.migrations?.mode === "job" && spec.migrations.job ? [renderMigrationJob(ctx, "template")] : []),
    ...Object.keys(spec.verify ?? {}).map((name) => renderVerifyJob(ctx, name, "template")),
    ...Object.keys(spec.jobs ?? {}).map((name) => renderAdHocJob(ctx, name, "template")),
  ];
}
