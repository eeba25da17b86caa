import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { jobLogs, waitForJob } from "../../clients/kubernetes/wait-job.ts";
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
        const verdict = await waitForJob(cluster, {
          namespace: env.cluster.namespace,
          name,
          selector: `app.kubernetes.io/name=${serviceName}`,
          timeoutMs: parseDuration(opts.timeout, "--timeout"),
          onProgress: (message) => out.progress(`${name}: ${message}`),
          ...(out.signal ? { signal: out.signal } : {}),
        });
        out.progress("");
        if (opts.follow) out.write(`${await jobLogs(cluster, env.cluster.namespace, name)}\n`);
        out.line(`Job ${name}: ${verdict.message}`);
        if (!verdict.successful) out.exitCode(1);
      },
    );
}
