import type { Command } from "commander";
import { describeSharedAuditIndices, sharedAuditIndices } from "../../definitions/shared-audit.ts";
import { formatProblem } from "../../definitions/errors.ts";
import { unsetParameterProblems } from "../../definitions/parameters.ts";
import { openProject } from "../project.ts";
import type { Output } from "../output.ts";

export function registerValidate(program: Command, out: Output): void {
  program
    .command("validate")
    .description(
      "load and check every definition for every environment; exit 2 on any problem (warnings: exit 0)",
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const project = await openProject(cmd.optsWithGlobals<{ config?: string }>().config);
      for (const shared of sharedAuditIndices(project))
        out.note(`warning: ${describeSharedAuditIndices(shared)}`);
      // A deploy gives them with --set, so a warning: a deploy without one is refused.
      for (const problem of unsetParameterProblems(project.unsetParameters ?? [], "validate"))
        out.note(`warning: ${formatProblem(problem)}`);
      const count = project.services.get(project.environments[0]?.name ?? "")?.length ?? 0;
      out.line(
        `${project.name}: ${count} services, ${project.environments.length} environments (${project.environments.map((e) => e.name).join(", ")}): valid`,
      );
    });
}
