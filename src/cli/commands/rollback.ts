import type { Command } from "commander";
import { restoreRelease } from "../../procedure/rollback.ts";
import { currentCommit, deployer } from "../../procedure/identity.ts";
import { DeployLock } from "../../procedure/lock.ts";
import { checkCutover } from "../../checks/gate/cutover.ts";
import { objectKey, readLiveState } from "../../plan/live-state.ts";
import { ReleaseStore } from "../../release/store.ts";
import { deployEvents } from "../deploy-report.ts";
import type { Output } from "../output.ts";
import { openSession } from "../session.ts";
import { UsageError } from "../usage-error.ts";
import { parseDuration } from "../duration.ts";

export function registerRollback(program: Command, out: Output): void {
  program
    .command("rollback")
    .description("re-deploy an earlier release of one service (default: the one before the deployed one)")
    .argument("<service>", "service")
    .requiredOption("-e, --env <name>", "environment")
    .option("--to <revision>", "revision to return to")
    .option("--timeout <duration>", "how long the rollout may take", "5m")
    .action(async (service: string, opts: { env: string; to?: string; timeout: string }, cmd: Command) => {
      const session = await openSession(cmd, opts.env, [service]);
      const { env, cluster } = session;
      const namespace = env.cluster.namespace;
      // A cut-over environment runs nothing: rolling back would start it beside where it moved.
      const live = await readLiveState(cluster, namespace, session.project.name, env.name, out.signal);
      const cutover = checkCutover(env, live, [service]);
      if (cutover) {
        out.error(`error: refused: ${cutover.problems.join("; ")}`);
        out.exitCode(1);
        return;
      }
      const store = new ReleaseStore(cluster, namespace);
      const summaries = await store.summaries(service);
      const current = summaries.find((s) => s.status === "deployed");
      const target = opts.to
        ? summaries.find((s) => s.revision === Number(opts.to))
        : summaries.find(
            (s) => s.revision !== current?.revision && (s.status === "superseded" || s.status === "deployed"),
          );
      if (!target)
        throw new UsageError(
          opts.to
            ? `${service} has no revision ${opts.to}`
            : `${service} has no earlier release to roll back to`,
          `see: slipway history ${service} --env ${env.name}`,
        );
      const lock = new DeployLock(cluster, namespace);
      await lock.acquire();
      try {
        const release = await store.get(service, target.revision);
        const currentRecord = current ? await store.get(service, current.revision) : undefined;
        out.note(`${service}: rolling back to revision ${release.revision} (${release.version})`);
        const outcome = await restoreRelease(
          cluster,
          release,
          {
            ...(session.search ? { search: session.search } : {}),
            ...(env.search?.indexPrefix ? { auditIndexPrefix: env.search.indexPrefix } : {}),
            timeoutMs: parseDuration(opts.timeout, "--timeout"),
            ...(out.signal ? { signal: out.signal } : {}),
          },
          deployEvents(out),
        );
        const revision = (summaries[0]?.revision ?? 0) + 1;
        const now = new Date().toISOString();
        if (outcome.successful && currentRecord) {
          const kept = new Set(release.objects.map(objectKey));
          for (const o of currentRecord.objects.filter((o) => !kept.has(objectKey(o))))
            await cluster.delete(o.kind ?? "", o.metadata?.name ?? "", namespace);
        }
        await store.create({
          ...release,
          revision,
          status: outcome.successful ? "deployed" : "failed",
          steps: [
            {
              step: "rollback",
              status: outcome.successful ? "done" : "failed",
              at: now,
              message: outcome.message,
            },
          ],
          deployedBy: await deployer(cluster),
          commit: currentCommit(process.cwd()),
          startedAt: now,
          finishedAt: new Date().toISOString(),
          description: `rollback to revision ${release.revision} (${release.version})`,
        });
        if (outcome.successful && currentRecord)
          await store.update({ ...currentRecord, status: "superseded" });
        out.line(
          `${service}: ${outcome.successful ? "rolled back" : "ROLLBACK FAILED"} to revision ${release.revision} (${release.version}) as revision ${revision}: ${outcome.message}`,
        );
        if (!outcome.successful) out.exitCode(1);
      } finally {
        await lock.release();
      }
    });
}
