import type { Command } from "commander";
import { deployer } from "../../procedure/identity.ts";
import { SignoffStore } from "../../release/signoff.ts";
import { ReleaseStore } from "../../release/store.ts";
import { ExitCode } from "../exit-codes.ts";
import type { Output } from "../output.ts";
import { openSession } from "../session.ts";
import { UsageError } from "../usage-error.ts";

export function registerSignoff(program: Command, out: Output): void {
  program
    .command("signoff")
    .description(
      "record that a deployed version was tested by hand in an environment (who, when, which image); a later environment's promotion check requires it",
    )
    .argument("<service>", "service")
    .argument("<version>", "the version that was tested, as deployed in the environment")
    .requiredOption("-e, --env <name>", "the environment it was tested in")
    .requiredOption("--note <text>", "what was tested")
    .action(async (service: string, version: string, opts: { env: string; note: string }, cmd: Command) => {
      if (!opts.note.trim()) throw new UsageError("--note must say what was tested");
      const { env, cluster } = await openSession(cmd, opts.env, [service]);
      const namespace = env.cluster.namespace;
      const releases = new ReleaseStore(cluster, namespace);
      const deployed = (await releases.summaries(service)).find(
        (s) => s.version === version && (s.status === "deployed" || s.status === "superseded"),
      );
      if (!deployed) {
        out.error(
          `error: ${service} ${version} was never deployed successfully to ${env.name}: only a version that ran there can be signed off`,
        );
        out.exitCode(ExitCode.failure);
        return;
      }
      const record = await releases.get(service, deployed.revision);
      const digest = record.digests[service];
      const signoff = {
        service,
        version,
        ...(digest ? { digest } : {}),
        by: await deployer(cluster),
        at: new Date().toISOString(),
        note: opts.note.trim(),
      };
      await new SignoffStore(cluster, namespace).put(signoff);
      out.line(
        `signed off ${service} ${version} in ${env.name} (revision ${deployed.revision}${digest ? `, ${digest}` : ""}) by ${signoff.by}`,
      );
    });
}
