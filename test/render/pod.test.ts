import { afterAll, describe, expect, it } from "vitest";
import type {
  KubernetesObject,
  V1CronJob,
  V1Deployment,
  V1PodDisruptionBudget,
  V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";
import { DefinitionError } from "../../src/definitions/errors.ts";
import { loadProject } from "../../src/definitions/load.ts";
import { renderEnvironment } from "../../src/render/render.ts";
import { renderAdHocJob } from "../../src/render/workloads.ts";
import { workerService } from "../support/feature-services.ts";
import { minimalConfig, removeScratchMadeHere, scratchProject, service } from "../support/project.ts";

afterAll(removeScratchMadeHere);

async function load(body: string) {
  const p = scratchProject({
    "slipway.config.ts": minimalConfig,
    "services/worker/service.ts": service(body),
  });
  return loadProject(p.config);
}

const kind = <T extends KubernetesObject>(objects: KubernetesObject[], k: string): T => {
  const found = objects.find((o) => o.kind === k);
  if (!found) throw new Error(`no ${k} in ${objects.map((o) => o.kind).join(", ")}`);
  return found as T;
};

async function problems(body: string): Promise<string[]> {
  const error = await load(body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DefinitionError);
  return (error as DefinitionError).problems.map((p) => `${p.path}: ${p.message}`);
}

describe("the pod features real services use", () => {
  it("renders init containers, native sidecars, downward-API env, scheduling and security settings", async () => {
    const objects = renderEnvironment(await load(workerService), "dev");
    const pod = kind<V1Deployment>(objects, "Deployment").spec?.template;
    expect(pod?.metadata?.annotations).toEqual({
      "prometheus.io/scrape": "true",
      "slipway.dev/version": "2.0.0",
    });
    const spec = pod?.spec;
    expect(spec?.serviceAccountName).toBe("shared-reader");
    expect(spec?.nodeSelector).toEqual({ "kubernetes.io/os": "linux" });
    expect(spec?.tolerations).toEqual([
      { key: "dedicated", operator: "Equal", value: "batch", effect: "NoSchedule" },
    ]);
    expect(
      spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.weight,
    ).toBe(100);
    expect(spec?.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 });
    expect(spec?.terminationGracePeriodSeconds).toBe(45);
    expect(spec?.initContainers?.map((c) => [c.name, c.image, c.restartPolicy])).toEqual([
      ["wait-for-db", "busybox:1.36", undefined],
      ["log-shipper", "fluent/fluent-bit:3.0", "Always"], // a native sidecar: a Job's pod still ends
    ]);
    expect(spec?.initContainers?.[1]?.volumeMounts).toEqual([
      { name: "pod-logs", mountPath: "/logs", readOnly: true },
    ]);
    expect(spec?.initContainers?.[1]?.env).toEqual([
      { name: "TOKEN", valueFrom: { secretKeyRef: { name: "worker-token", key: "token" } } },
    ]);
    const main = spec?.containers[0];
    expect(main?.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(main?.env).toEqual(
      expect.arrayContaining([
        { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        { name: "TEAM", valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
        {
          name: "MEMORY_LIMIT",
          valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } },
        },
      ]),
    );
    expect(main?.volumeMounts).toEqual([
      { name: "pod-certs", mountPath: "/etc/certs", readOnly: true },
      { name: "pod-logs", mountPath: "/var/log/worker" },
    ]);
    expect(spec?.volumes).toEqual([
      {
        name: "pod-certs",
        projected: { sources: [{ secret: { name: "worker-token" } }, { secret: { name: "shared-ca" } }] },
      },
      { name: "pod-logs", emptyDir: { sizeLimit: "1Gi" } },
    ]);
  });

  it("gives the CronJobs and Jobs the same pod, with their own schedule and retention settings", async () => {
    const project = await load(workerService);
    const cron = kind<V1CronJob>(renderEnvironment(project, "dev"), "CronJob").spec;
    expect(cron).toMatchObject({
      timeZone: "Europe/Oslo",
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 5,
      jobTemplate: { spec: { backoffLimit: 3, ttlSecondsAfterFinished: 3600 } },
    });
    expect(cron?.jobTemplate.spec?.template.spec?.initContainers?.map((c) => c.name)).toEqual([
      "wait-for-db",
      "log-shipper",
    ]);
    expect(cron?.jobTemplate.spec?.template.metadata?.annotations).toEqual({
      "prometheus.io/scrape": "true",
    });
    const env = project.environments[0];
    const worker = project.services.get("dev")?.[0];
    const job = renderAdHocJob({ project: project.name, env: env!, service: worker! }, "rebuild", "r1");
    expect(job.spec).toMatchObject({ backoffLimit: 2, ttlSecondsAfterFinished: 600 });
  });

  it("renders a PodDisruptionBudget and an autoscaler, and then leaves the replica count to it", async () => {
    const objects = renderEnvironment(await load(workerService), "dev");
    expect(kind<V1Deployment>(objects, "Deployment").spec).not.toHaveProperty("replicas");
    expect(kind<V1PodDisruptionBudget>(objects, "PodDisruptionBudget").spec).toEqual({
      selector: { matchLabels: { "app.kubernetes.io/name": "worker", "app.kubernetes.io/part-of": "demo" } },
      maxUnavailable: 1,
    });
    expect(kind<V2HorizontalPodAutoscaler>(objects, "HorizontalPodAutoscaler").spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "worker" },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 75 } },
        },
      ],
    });
  });

  it("refuses settings that contradict each other or name what is not defined", async () => {
    expect(
      await problems(`{ name: "worker", version: "1", image: "worker",
        deployment: { port: 8080, replicas: 3, autoscale: { minReplicas: 4, maxReplicas: 2 }, disruptionBudget: { minAvailable: 1, maxUnavailable: 1 } },
        serviceAccount: { rules: [] },
        pod: {
          serviceAccountName: "other",
          volumes: { scratch: {} },
          initContainers: { worker: {} },
          sidecars: { proxy: { mounts: [{ volume: "nothing", mountPath: "/x" }], env: { T: { secret: "unlisted", key: "k" } } } },
        } }`),
    ).toEqual([
      'pod.sidecars.proxy.env.T.secret: Secret "unlisted" is not listed in secrets (add it there so Slipway can check it exists)',
      "pod.serviceAccountName: names an existing ServiceAccount, but serviceAccount renders one: keep one of them",
      "pod.volumes.scratch: needs exactly one of emptyDir or projected",
      'pod.initContainers.worker: the container name "worker" is also the service\'s own container',
      'pod.sidecars.proxy.mounts[0].volume: no volume "nothing" in pod.volumes (defined: scratch)',
      "deployment.replicas: the autoscaler owns the replica count: give autoscale.minReplicas instead",
      "deployment.autoscale: minReplicas 4 is above maxReplicas 2",
      "deployment.autoscale: needs a target: cpu or memory (percent of the requests)",
      "deployment.disruptionBudget: needs exactly one of minAvailable or maxUnavailable",
    ]);
  });
});
