import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { DefinitionError } from "../../definitions/errors.ts";
import { placeholderFor, unsetParameterProblems } from "../../definitions/parameters.ts";
import { renderEnvironment } from "../../render/render.ts";
import { fileNameFor, toJson, toYaml } from "../../render/serialize.ts";
import { checkServiceNames, environmentNamed, openProject } from "../project.ts";
import type { Output } from "../output.ts";
import { addParameterFlags, parameterOverrides, type ParameterFlags } from "../parameter-flags.ts";
import { UsageError } from "../usage-error.ts";

export function registerRender(program: Command, out: Output): void {
  const command = program
    .command("render")
    .description("print the Kubernetes objects of the services (all when none are named) for one environment")
    .argument("[service...]", "services to render")
    .requiredOption("-e, --env <name>", "environment")
    .option("-o, --output <format>", "yaml or json", "yaml")
    .option("--out <dir>", "write one file per object into this folder instead of printing")
    .option(
      "--placeholders",
      "render a required parameter that has no value as a visible placeholder, instead of refusing",
    );
  addParameterFlags(command).action(
    async (
      services: string[],
      opts: { env: string; output: string; out?: string; placeholders?: boolean } & ParameterFlags,
      cmd: Command,
    ) => {
      if (!["yaml", "json"].includes(opts.output))
        throw new UsageError(`unknown output format "${opts.output}"`, "use -o yaml or -o json");
      // The objects as a deploy with these values would render them (a secret one needs no value here).
      const project = await openProject(cmd.optsWithGlobals<{ config?: string }>().config, {
        overrides: { environment: opts.env, set: parameterOverrides(opts) },
        placeholders: opts.placeholders === true,
      });
      const env = environmentNamed(project, opts.env);
      checkServiceNames(project, env.name, services);
      // A deploy would refuse them: objects rendered without them are not what it would apply.
      const unset = (project.unsetParameters ?? []).filter(
        (u) => u.environment === env.name && (services.length === 0 || services.includes(u.service)),
      );
      if (unset.length && !opts.placeholders)
        throw new DefinitionError(unsetParameterProblems(unset, "render"));
      for (const u of unset)
        out.note(
          `placeholder for ${u.service}.${u.parameter} (required, not set): ${placeholderFor(u.service, u.parameter)}`,
        );
      const objects = renderEnvironment(project, env.name, services);
      if (opts.out) {
        mkdirSync(opts.out, { recursive: true });
        for (const object of objects) writeFileSync(join(opts.out, fileNameFor(object)), toYaml([object]));
        out.note(`wrote ${objects.length} objects to ${opts.out}`);
        return;
      }
      out.write(opts.output === "json" ? toJson(objects) : toYaml(objects));
    },
  );
}
