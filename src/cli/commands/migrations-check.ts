import type { Command } from "commander";
import { checkMigrationPaths, migrationFilesIn } from "../../checks/migrations/check-files.ts";
import { blocking, formatFinding, type MigrationFinding } from "../../checks/migrations/finding.ts";
import { migrationAnnotations, migrationRules } from "../../output/annotations.ts";
import { migrationCheckCounts, migrationCheckDocument } from "../../output/findings-documents.ts";
import { annotationsMarkdown, appendStepSummary, workflowCommand } from "../../output/github.ts";
import { writeJUnit } from "../../output/junit.ts";
import { migrationCheckSuite } from "../../output/migration-check-report.ts";
import { sarifLog } from "../../output/sarif.ts";
import type { Output } from "../output.ts";
import { formatOption, outputOption, reportFormat } from "../report-format.ts";
import { UsageError } from "../usage-error.ts";
import { slipwayVersion } from "../version.ts";

export function registerMigrationsCheck(program: Command, out: Output): void {
  const migrations = program.command("migrations").description("work with migration files");
  migrations
    .command("check")
    .description(
      "check migration files for changes that break the running version or lock busy tables; exit 1 on an error",
    )
    .argument("<path...>", "files or folders of Flyway-named SQL files")
    .addOption(formatOption())
    .addOption(outputOption())
    .option("--junit <file>", "also write a JUnit report (one test case per file), for Jenkins' junit step")
    .action(async (paths: string[], opts: { format?: string; output?: string; junit?: string }) => {
      const format = reportFormat(opts);
      let findings: MigrationFinding[];
      let files: string[];
      try {
        files = migrationFilesIn(paths);
        findings = await checkMigrationPaths(paths);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const counts = migrationCheckCounts(findings);
      const annotations = migrationAnnotations(findings);
      if (format === "json") out.line(JSON.stringify(migrationCheckDocument(findings), null, 2));
      else if (format === "sarif")
        out.line(
          JSON.stringify(
            sarifLog(annotations, migrationRules(annotations), { version: slipwayVersion() }),
            null,
            2,
          ),
        );
      else if (format === "github") {
        for (const a of annotations) out.line(workflowCommand(a));
        appendStepSummary(
          annotationsMarkdown(`slipway migrations check: ${countsText(counts)}`, annotations),
        );
      } else for (const f of findings) out.line(formatFinding(f));
      if (format === "text" || format === "github") out.note(countsText(counts));
      if (opts.junit) writeJUnit(opts.junit, [migrationCheckSuite(files, findings)]);
      if (findings.some(blocking)) out.exitCode(1);
    });
  migrations.exitOverride();
}

const countsText = (c: { errors: number; warnings: number; suppressed: number }): string =>
  `${c.errors} error(s), ${c.warnings} warning(s), ${c.suppressed} suppressed`;
