import type { V1Container, V1CronJob, V1Deployment, V1Job } from "@kubernetes/client-node";
import { keyOf, type Drafting, type Spec } from "../draft.ts";
import { nonEmpty, ownLabels } from "../own-metadata.ts";
import { probe } from "./container.ts";

/** The service's workloads: its Deployment, its CronJobs and its Jobs (run on demand). */

/** The Deployment named after the service, with its container's settings. */
export function draftDeployment(
  draft: Drafting,
  deployment: V1Deployment,
  container: V1Container | undefined,
  containers: readonly V1Container[],
  settings: NonNullable<Spec["container"]>,
): void {
  const { name, spec, notes, live, mapped } = draft;
  const d = deployment.spec;
  const port = container?.ports?.[0]?.containerPort;
  const liveness = probe(container?.livenessProbe, port);
  const readiness = probe(container?.readinessProbe, port);
  const podLabels = nonEmpty(ownLabels(d?.template.metadata?.labels));
  spec.deployment = {
    ...(d?.replicas !== undefined ? { replicas: d.replicas } : {}),
    minReadySeconds: d?.minReadySeconds ?? 0,
    ...(podLabels ? { podLabels } : {}),
    ...(port !== undefined ? { port } : {}),
    ...settings,
    ...(liveness ? { liveness } : {}),
    ...(readiness ? { readiness } : {}),
  };
  if (containers.length > 1)
    notes.push(
      `Deployment/${name}: ${containers.length} containers; the others than ${container?.name} are kept by a patch`,
    );
  live.set(keyOf(deployment), deployment);
  mapped.push({ kind: "Deployment", name, field: "deployment" });
}

/** CronJobs named `<service>-<job>`: cronJobs.<job>. */
export function draftCronJobs(d: Drafting, cronJobs: readonly V1CronJob[]): void {
  const { name, spec, live, mapped } = d;
  for (const c of cronJobs) {
    const cronName = (c.metadata?.name ?? "").slice(name.length + 1);
    const s = c.spec;
    const job = s?.jobTemplate.spec;
    const cc = job?.template.spec?.containers[0];
    spec.cronJobs = {
      ...spec.cronJobs,
      [cronName]: {
        schedule: s?.schedule ?? "@daily",
        ...(cc?.command ? { command: [...cc.command] } : {}),
        ...(cc?.args ? { args: [...cc.args] } : {}),
        concurrency: (s?.concurrencyPolicy as "Forbid" | "Allow" | "Replace" | undefined) ?? "Allow",
        ...(s?.suspend ? { suspend: true } : {}),
        ...(s?.timeZone ? { timeZone: s.timeZone } : {}),
        ...(s?.startingDeadlineSeconds !== undefined
          ? { startingDeadlineSeconds: s.startingDeadlineSeconds }
          : {}),
        successfulJobsHistoryLimit: s?.successfulJobsHistoryLimit ?? 3,
        failedJobsHistoryLimit: s?.failedJobsHistoryLimit ?? 1,
        backoffLimit: job?.backoffLimit ?? 6,
        ...(job?.ttlSecondsAfterFinished !== undefined
          ? { ttlSecondsAfterFinished: job.ttlSecondsAfterFinished }
          : {}),
      },
    };
    live.set(keyOf(c), c);
    mapped.push({ kind: "CronJob", name: c.metadata?.name ?? "", field: `cronJobs.${cronName}` });
  }
}

/** Jobs the service ran: jobs.<job>, run on demand. */
export function draftJobs(d: Drafting, jobs: readonly V1Job[]): void {
  const { name, spec, mapped } = d;
  for (const j of jobs) {
    const jobName =
      (j.metadata?.name ?? "job")
        .replace(new RegExp(`^${name}-`), "")
        .replace(/-[a-z0-9]{5}$/, "")
        .slice(0, 30)
        .replace(/-+$/, "") || "job";
    const jc = j.spec?.template.spec?.containers[0];
    spec.jobs = {
      ...spec.jobs,
      [jobName]: {
        ...(jc?.command ? { command: [...jc.command] } : {}),
        ...(jc?.args ? { args: [...jc.args] } : {}),
        ...(j.spec?.backoffLimit !== undefined ? { backoffLimit: j.spec.backoffLimit } : {}),
        ...(j.spec?.ttlSecondsAfterFinished !== undefined
          ? { ttlSecondsAfterFinished: j.spec.ttlSecondsAfterFinished }
          : {}),
      },
    };
    mapped.push({
      kind: "Job",
      name: j.metadata?.name ?? "",
      field: `jobs.${jobName} (run on demand: slipway job ${name} ${jobName})`,
    });
  }
}
