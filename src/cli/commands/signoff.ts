import type { Command } from "commander";
import { deployer } from "../../procedure/identity.ts";
import { signOff } from "../../release/signoff.ts";
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
      const result = await signOff(
        cluster,
        { name: env.name, namespace: env.cluster.namespace },
        { service, version, note: opts.note, by: await deployer(cluster) },
      );
      if (!result.ok) {
        out.error(`error: ${result.refusal}`);
        out.exitCode(ExitCode.failure);
        return;
      }
      out.line(result.said);
    });
}
