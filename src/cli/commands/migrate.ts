import type { Command } from "commander";
import { servicesIn } from "../../definitions/model.ts";
import { runServiceMigrations } from "../../migrations/run.ts";
import type { Output } from "../output.ts";
import { openSession } from "../session.ts";
import { parseDuration } from "../duration.ts";

export function registerMigrate(program: Command, out: Output): void {
  program
    .command("migrate")
    .description(
      "run the services' pending migrations on their own (a deploy runs them before its rollout); --dry-run lists them",
    )
    .argument("[service...]", "services (default: all with migrations)")
    .requiredOption("-e, --env <name>", "environment")
    .option("--dry-run", "list pending migrations, change nothing")
    .option("--timeout <duration>", "how long a migration Job may take", "10m")
    .action(
      async (services: string[], opts: { env: string; dryRun?: boolean; timeout: string }, cmd: Command) => {
        const { project, env, cluster } = await openSession(cmd, opts.env, services);
        const targets = servicesIn(project, env.name, services).filter((s) => s.spec.migrations);
        const rows: string[][] = [];
        let failed = false;
        for (const service of targets) {
          try {
            const ran = await runServiceMigrations(cluster, env, service, {
              project: project.name,
              dryRun: opts.dryRun === true,
              runId: `m${Date.now().toString(36)}`,
              timeoutMs: parseDuration(opts.timeout, "--timeout"),
              onProgress: (m) => out.progress(`${service.spec.name}: ${m}`),
              ...(out.signal ? { signal: out.signal } : {}),
            });
            rows.push([service.spec.name, ran.mode, service.spec.migrations?.database ?? "-", ran.message]);
          } catch (error) {
            failed = true;
            rows.push([
              service.spec.name,
              service.spec.migrations?.mode ?? "direct",
              service.spec.migrations?.database ?? "-",
              `FAILED: ${(error as Error).message}`,
            ]);
          }
        }
        out.progress("");
        out.table(["SERVICE", "MODE", "DATABASE", opts.dryRun ? "PENDING" : "RESULT"], rows);
        if (failed) out.exitCode(1);
      },
    );
}
