import type { KubernetesObject, V1CronJob, V1Deployment, V1Job } from "@kubernetes/client-node";
import {
  keyOf,
  type DraftInput,
  type DraftService,
  type Drafting,
  type MappedObject,
  type RawKept,
  type Spec,
} from "./draft.ts";
import { imageField, parseImage } from "./image-reference.ts";
import { podTemplateOf } from "./pod-references.ts";
import { draftConfigMaps, draftSecrets } from "./fields/config.ts";
import { containerSettings, podSettings } from "./fields/container.ts";
import { draftIngress, draftServicePorts } from "./fields/networking.ts";
import { draftRawObjects } from "./fields/raw-objects.ts";
import { draftAutoscale, draftDisruptionBudget } from "./fields/scaling.ts";
import { draftCronJobs, draftDeployment, draftJobs } from "./fields/workloads.ts";

const versionPattern = /^[0-9A-Za-z][0-9A-Za-z._+-]{0,127}$/;

/**
 * One service's definition from its live objects: each object a definition field renders
 * becomes that field; the others become raw objects (the escape hatch), each with its reason.
 * Returns undefined with a reason when the objects run nothing a service can be made of.
 */
export function draftService(input: DraftInput): DraftService | { readonly unusable: string } {
  const { name, objects } = input;
  const of = <T extends KubernetesObject>(kind: string) => objects.filter((o) => o.kind === kind) as T[];
  const deployment = of<V1Deployment>("Deployment").find((d) => d.metadata?.name === name);
  const cronJobs = of<V1CronJob>("CronJob").filter(
    (c) =>
      (c.metadata?.name ?? "").startsWith(`${name}-`) &&
      (c.metadata?.name ?? "").length - name.length - 1 <= 30,
  );
  const jobs = of<V1Job>("Job");
  const main = deployment ?? cronJobs[0] ?? jobs[0];
  if (!main)
    return {
      unusable: `runs no Deployment named ${name}, no CronJob named ${name}-<job> and no Job, which a service needs (${objects.map(keyOf).join(", ")})`,
    };
  const mapped: MappedObject[] = [];
  const raw: RawKept[] = [];
  const notes: string[] = [];
  const live = new Map<string, KubernetesObject>();
  const template = podTemplateOf(main);
  const podSpec = template?.spec;
  const containers = podSpec?.containers ?? [];
  const container = containers.find((c) => c.name === name) ?? containers[0];
  const image = parseImage(container?.image ?? "");
  const versionLabel =
    main.metadata?.labels?.["app.kubernetes.io/version"] ??
    template?.metadata?.labels?.["app.kubernetes.io/version"];
  const version = [image.tag, versionLabel].find((v) => v !== undefined && versionPattern.test(v)) ?? "0.0.0";
  if (!image.tag && !versionLabel)
    notes.push(`${keyOf(main)}: image ${container?.image} has no tag; version written as 0.0.0`);
  const imageName = imageField(image.repository, input.registry);
  if (!image.repository.includes("/"))
    notes.push(
      `${keyOf(main)}: image ${container?.image} is written as ${imageName} (the same image, named in full)`,
    );
  if (!image.digest)
    notes.push(
      `${keyOf(main)}: runs ${container?.image} by tag; a deploy pins the registry's digest of ${version}, so the first plan shows that image change (the pods roll once)`,
    );
  const ownConfigMaps = new Set([...input.configMapOwners].map(([cm]) => cm));
  const settings = container && podSpec ? containerSettings(container, ownConfigMaps, podSpec) : {};
  const spec: Spec = { name, version, image: imageName };
  const pod = podSettings(template, container);
  if (Object.keys(pod).length) spec.pod = pod;
  const drafting: Drafting = { name, input, of, spec, mapped, raw, notes, live };

  if (deployment) draftDeployment(drafting, deployment, container, containers, settings);
  else if (Object.keys(settings).length) spec.container = settings;
  draftCronJobs(drafting, cronJobs);
  draftJobs(drafting, jobs);
  draftServicePorts(drafting, deployment !== undefined);
  draftIngress(drafting);
  draftAutoscale(drafting);
  draftDisruptionBudget(drafting);
  const configMaps = draftConfigMaps(drafting);
  draftSecrets(drafting);
  draftRawObjects(drafting, jobs);
  return { spec, configMaps, mapped, raw, live, notes, ...(image.digest ? { digest: image.digest } : {}) };
}
