import type { Command } from "commander";
import type { V1Deployment } from "@kubernetes/client-node";
import { liveVersionOf, managedSelector } from "../../plan/live-state.ts";
import { ReleaseStore } from "../../release/store.ts";
import type { Output } from "../output.ts";
import { document } from "../../output/document.ts";
import { outputFormat, printDocument } from "../output-format.ts";
import type { ServiceStatus } from "../../output/documents.ts";
import { openSession } from "../session.ts";
import { readDeployProgress } from "../../status/deploy-progress.ts";
import { formatDeployProgress } from "../../status/format.ts";

export function registerStatus(program: Command, out: Output): void {
  program
    .command("status")
    .description("each service: live and defined version, up to date or not, ready pods, last deploy")
    .requiredOption("-e, --env <name>", "environment")
    .option("-o, --output <format>", "table or json", "table")
    .option(
      "--deploy",
      "the current (or last) deploy instead, from whichever machine it runs: each service's steps (done, running and what it waits on, failed, skipped), migration Job logs, the lock; an interrupted deploy shows as resumable",
    )
    .action(async (opts: { env: string; output: string; deploy?: boolean }, cmd: Command) => {
      const format = outputFormat(opts.output, ["table", "json"]);
      const { project, env, cluster } = await openSession(cmd, opts.env);
      const namespace = env.cluster.namespace;
      if (opts.deploy) {
        const progress = await readDeployProgress(cluster, namespace, env.name);
        if (format === "json") return printDocument(out, document("DeployProgress", progress));
        for (const line of formatDeployProgress(progress)) out.line(line);
        return;
      }
      const selector = managedSelector(project.name, env.name);
      const [deployments, cronJobs, summaries] = await Promise.all([
        cluster.list("Deployment", namespace, selector),
        cluster.list("CronJob", namespace, selector),
        new ReleaseStore(cluster, namespace).summaries(),
      ]);
      const rows = (project.services.get(env.name) ?? []).map((service): ServiceStatus => {
        const name = service.spec.name;
        const live = deployments.items.find(
          (d) => d.metadata?.labels?.["app.kubernetes.io/name"] === name,
        ) as V1Deployment | undefined;
        const liveVersion = liveVersionOf([...deployments.items, ...cronJobs.items], name);
        const last = summaries.find((s) => s.service === name);
        return {
          service: name,
          liveVersion: liveVersion ?? null,
          definedVersion: service.spec.version,
          upToDate: liveVersion === service.spec.version,
          ready: live ? `${live.status?.readyReplicas ?? 0}/${live.spec?.replicas ?? 0}` : "-",
          lastDeploy: last
            ? {
                revision: last.revision,
                status: last.status,
                at: last.finishedAt ?? last.startedAt,
                by: last.deployedBy,
                description: last.description,
                overrides: last.overrides ?? [],
                ...(last.breakGlass ? { breakGlass: last.breakGlass } : {}),
              }
            : null,
        };
      });
      if (format === "json")
        return printDocument(out, document("Status", { environment: env.name, namespace, services: rows }));
      out.table(
        ["SERVICE", "LIVE", "DEFINED", "UP TO DATE", "READY", "LAST DEPLOY", "OVERRIDES"],
        rows.map((r) => [
          r.service,
          r.liveVersion ?? "-",
          r.definedVersion,
          r.upToDate ? "yes" : "no",
          r.ready,
          r.lastDeploy
            ? `r${r.lastDeploy.revision} ${r.lastDeploy.status} ${r.lastDeploy.at} by ${r.lastDeploy.by}`
            : "-",
          r.lastDeploy?.overrides.join("; ") || "-",
        ]),
      );
    });
}
