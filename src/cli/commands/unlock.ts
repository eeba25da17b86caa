import type { Command } from "commander";
import { deployer } from "../../procedure/identity.ts";
import { forceUnlock } from "../../procedure/lock.ts";
import type { Output } from "../output.ts";
import { openSession } from "../session.ts";
import { UsageError } from "../usage-error.ts";

export function registerUnlock(program: Command, out: Output): void {
  program
    .command("unlock")
    .description("remove the environment's deploy lock whoever holds it (recorded as an Event)")
    .requiredOption("-e, --env <name>", "environment")
    .option("--force", "required: this can let two deploys run at once")
    .action(async (opts: { env: string; force?: boolean }, cmd: Command) => {
      if (!opts.force)
        throw new UsageError(
          "unlock needs --force",
          "only unlock when you know the holder is gone; an expired lock is taken over by itself",
        );
      const { env, cluster } = await openSession(cmd, opts.env);
      const holder = await forceUnlock(cluster, env.cluster.namespace, await deployer(cluster));
      out.line(holder ? `removed the lock held by ${holder}` : "no lock was held");
    });
}
