import type { Command } from "commander";
import {
  checkMigrationPaths,
  parseAppliedThrough,
  type MigrationCheck,
} from "../../checks/migrations/check-files.ts";
import { blocking, formatFinding } from "../../checks/migrations/finding.ts";
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
    .option(
      "--since <git-ref>",
      "the files this git revision holds were applied; the ones added since (and changed repeatables) are new, and checked together as a deploy checks its pending files",
    )
    .option(
      "--applied-through <version>",
      "versions up to this one (V3, V3.1) were applied; later files are new, and checked together as a deploy checks its pending files",
    )
    .action(async (paths: string[], opts: CheckFlags) => {
      const format = reportFormat(opts);
      const appliedThrough =
        opts.appliedThrough === undefined ? undefined : parseAppliedThrough(opts.appliedThrough);
      if (opts.appliedThrough !== undefined && appliedThrough === undefined)
        throw new UsageError(
          `--applied-through ${opts.appliedThrough}: not a Flyway version`,
          "slipway migrations check migrations/ --applied-through V3",
        );
      let check: MigrationCheck;
      try {
        check = await checkMigrationPaths(paths, {
          ...(appliedThrough !== undefined ? { appliedThrough } : {}),
          ...(opts.since !== undefined ? { since: opts.since } : {}),
        });
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const { findings, files } = check;
      const counts = migrationCheckCounts(findings);
      const annotations = migrationAnnotations(findings);
      if (format === "json") out.line(JSON.stringify(migrationCheckDocument(check), null, 2));
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
      if (format === "text" || format === "github") out.note(`${countsText(counts)}; ${pendingText(check)}`);
      if (opts.junit) writeJUnit(opts.junit, [migrationCheckSuite(files, findings)]);
      if (findings.some(blocking)) out.exitCode(1);
    });
  migrations.exitOverride();
}

interface CheckFlags {
  format?: string;
  output?: string;
  junit?: string;
  since?: string;
  appliedThrough?: string;
}

/** Which files the check took as new: the rule for changes to what they create depends on it. */
const pendingText = (c: MigrationCheck): string =>
  c.pendingKnown
    ? `${c.files.length} new file(s) checked together, so changes to what one creates are not flagged in a later one${c.applied.length ? `; ${c.applied.length} applied file(s) not checked` : ""}`
    : "which files are new was not said, so each was checked as if every file before it were applied, and changes to what an earlier file creates are flagged (--since <git ref> or --applied-through V<n> says which are new)";

const countsText = (c: { errors: number; warnings: number; suppressed: number }): string =>
  `${c.errors} error(s), ${c.warnings} warning(s), ${c.suppressed} suppressed`;
