import type { Command } from "commander";
import { stringify } from "yaml";
import { deployerRole } from "../../render/rbac.ts";
import { environmentNamed, openProject } from "../project.ts";
import type { Output } from "../output.ts";

export function registerRbac(program: Command, out: Output): void {
  program
    .command("rbac")
    .description("print the Role a deploy identity needs in the environment's namespace, and nothing more")
    .requiredOption("-e, --env <name>", "environment")
    .action(async (opts: { env: string }, cmd: Command) => {
      const project = await openProject(cmd.optsWithGlobals<{ config?: string }>().config);
      const env = environmentNamed(project, opts.env);
      out.write(stringify(deployerRole(env.cluster.namespace)));
    });
}
