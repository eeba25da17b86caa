import { blocking, formatFinding, type MigrationFinding } from "../checks/migrations/finding.ts";
import { repositoryPath } from "./annotations.ts";
import type { JUnitSuite } from "./junit.ts";

/**
 * `migrations check --junit`: one suite, one case per file checked, failing when the file has
 * an error nothing suppresses. Clean files are passing cases, so Jenkins counts what was checked;
 * warnings and suppressed findings go to the case's output without failing it.
 */
export function migrationCheckSuite(
  files: readonly string[],
  findings: readonly MigrationFinding[],
  cwd: string = process.cwd(),
): JUnitSuite {
  return {
    name: "slipway migrations check",
    cases: files.map((file) => {
      const mine = findings.filter((f) => f.file === file);
      const errors = mine.filter(blocking);
      const others = mine.filter((f) => !blocking(f));
      return {
        classname: "slipway.migrations",
        name: repositoryPath(file, cwd),
        ...(errors.length
          ? {
              failure: {
                message: errors.map((e) => `${e.rule} at line ${e.line}`).join(", "),
                details: errors.map(formatFinding).join("\n"),
              },
            }
          : {}),
        ...(others.length ? { output: others.map(formatFinding).join("\n") } : {}),
      };
    }),
  };
}
