import type { Command } from "commander";
import { environmentNamed, openProject } from "../project.ts";
import type { Output } from "../output.ts";
import { document } from "../../output/document.ts";
import { outputFormat, printDocument } from "../output-format.ts";
import type { ServiceEntry } from "../../output/documents.ts";

export function registerList(program: Command, out: Output): void {
  program
    .command("list")
    .description("list the services with their version, image and dependencies")
    .option("-e, --env <name>", "resolve per-environment values for this environment (default: the first)")
    .option("-o, --output <format>", "table or json", "table")
    .action(async (opts: { env?: string; output: string }, cmd: Command) => {
      const format = outputFormat(opts.output, ["table", "json"]);
      const project = await openProject(cmd.optsWithGlobals<{ config?: string }>().config);
      const env = opts.env ? environmentNamed(project, opts.env) : project.environments[0];
      if (!env) return;
      const services = project.services.get(env.name) ?? [];
      const rows = services.map((s): ServiceEntry => ({
        name: s.spec.name,
        version: s.spec.version,
        image: s.spec.image,
        replicas: s.spec.deployment ? (s.spec.deployment.replicas ?? env.defaults?.replicas ?? 1) : null,
        dependsOn: s.spec.dependsOn ?? [],
        migrations: s.spec.migrations?.image ? null : s.migrations.length,
        ...(s.spec.migrations
          ? {
              migrationsFrom: s.spec.migrations.image
                ? `image:${s.spec.migrations.image}`
                : (s.spec.migrations.path ?? ""),
            }
          : {}),
        calls: s.calls.length,
        file: s.file,
      }));
      if (format === "json")
        return printDocument(out, document("ServiceList", { environment: env.name, services: rows }));
      out.table(
        ["SERVICE", "VERSION", "REPLICAS", "MIGRATIONS", "CALLS", "DEPENDS ON", "FILE"],
        rows.map((r) => [
          r.name,
          r.version,
          r.replicas === null ? "-" : String(r.replicas),
          r.migrations === null ? (r.migrationsFrom ?? "?") : String(r.migrations),
          String(r.calls),
          r.dependsOn.join(",") || "-",
          r.file,
        ]),
      );
    });
}
