import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import type { V1Job } from "@kubernetes/client-node";
import { jobVerdict } from "../../checks/rollout/job.ts";
import { renderAdHocJob } from "../../render/workloads.ts";
import type { Output } from "../output.ts";
import { openSession } from "../session.ts";
import { UsageError } from "../usage-error.ts";
import { parseDuration } from "../duration.ts";

export function registerJob(program: Command, out: Output): void {
  program
    .command("job")
    .description(
      "run a named ad-hoc job of a service (its image and settings, other arguments) and wait for it",
    )
    .argument("<service>", "service")
    .argument("<name>", "job name from the service's jobs")
    .requiredOption("-e, --env <name>", "environment")
    .option("--follow", "print the job's logs when it ends")
    .option("--timeout <duration>", "how long the job may take", "30m")
    .action(
      async (
        serviceName: string,
        jobName: string,
        opts: { env: string; follow?: boolean; timeout: string },
        cmd: Command,
      ) => {
        const { project, env, cluster } = await openSession(cmd, opts.env, [serviceName]);
        const service = project.services.get(env.name)?.find((s) => s.spec.name === serviceName);
        if (!service?.spec.jobs?.[jobName])
          throw new UsageError(
            `${serviceName} has no job "${jobName}"`,
            `jobs: ${Object.keys(service?.spec.jobs ?? {}).join(", ") || "none"}`,
          );
        const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;
        const job = renderAdHocJob({ project: project.name, env, service }, jobName, runId);
        const name = job.metadata?.name ?? "";
        await cluster.create(job);
        out.note(`started Job ${name} in ${env.cluster.namespace}`);
        const deadline = Date.now() + parseDuration(opts.timeout, "--timeout");
        const controller = new AbortController();
        out.signal?.addEventListener("abort", () => controller.abort(), { once: true });
        const verdict = await new Promise<ReturnType<typeof jobVerdict>>((resolve) => {
          const timer = setTimeout(
            () => resolve({ done: true, successful: false, message: `timed out after ${opts.timeout}` }),
            deadline - Date.now(),
          );
          const finish = (v: ReturnType<typeof jobVerdict>): void => {
            clearTimeout(timer);
            controller.abort();
            resolve(v);
          };
          void (async () => {
            while (!controller.signal.aborted) {
              const list = await cluster
                .list(
                  "Job",
                  env.cluster.namespace,
                  `app.kubernetes.io/name=${serviceName}`,
                  controller.signal,
                )
                .catch(() => undefined);
              const current = list?.items.find((j) => j.metadata?.name === name) as V1Job | undefined;
              if (current) {
                const v = jobVerdict(current);
                out.progress(`${name}: ${v.message}`);
                if (v.done) return finish(v);
              }
              if (!list) continue;
              await cluster.watch(
                "Job",
                env.cluster.namespace,
                `app.kubernetes.io/name=${serviceName}`,
                list.resourceVersion,
                (_type, obj) => {
                  if (obj.metadata?.name !== name) return;
                  const v = jobVerdict(obj as V1Job);
                  out.progress(`${name}: ${v.message}`);
                  if (v.done) finish(v);
                },
                controller.signal,
              );
            }
          })();
        });
        out.progress("");
        if (opts.follow) {
          const pods = await cluster.list("Pod", env.cluster.namespace, `job-name=${name}`);
          for (const pod of pods.items) {
            const log = await cluster
              .request<string>({
                method: "GET",
                path: `/api/v1/namespaces/${env.cluster.namespace}/pods/${pod.metadata?.name}/log`,
                headers: { accept: "text/plain" },
              })
              .catch((e: Error) => `(no logs: ${e.message})`);
            out.write(`--- ${pod.metadata?.name}\n${typeof log === "string" ? log : JSON.stringify(log)}\n`);
          }
        }
        out.line(`Job ${name}: ${verdict.message}`);
        if (!verdict.successful) out.exitCode(1);
      },
    );
}
