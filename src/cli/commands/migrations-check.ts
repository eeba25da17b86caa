import type { Command } from "commander";
import { checkMigrationPaths } from "../../checks/migrations/check-files.ts";
import { blocking, formatFinding } from "../../checks/migrations/finding.ts";
import type { Output } from "../output.ts";
import { UsageError } from "../usage-error.ts";

export function registerMigrationsCheck(program: Command, out: Output): void {
  const migrations = program.command("migrations").description("work with migration files");
  migrations
    .command("check")
    .description(
      "check migration files for changes that break the running version or lock busy tables; exit 1 on an error",
    )
    .argument("<path...>", "files or folders of Flyway-named SQL files")
    .option("-o, --output <format>", "text or json", "text")
    .action(async (paths: string[], opts: { output: string }) => {
      let findings;
      try {
        findings = await checkMigrationPaths(paths);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      if (opts.output === "json") out.line(JSON.stringify(findings, null, 2));
      else {
        for (const f of findings) out.line(formatFinding(f));
        const errors = findings.filter(blocking).length;
        out.note(
          `${errors} error(s), ${findings.filter((f) => f.severity === "warning").length} warning(s), ${findings.filter((f) => f.suppressed).length} suppressed`,
        );
      }
      if (findings.some(blocking)) out.exitCode(1);
    });
  migrations.exitOverride();
}
