import type { Command } from "commander";
import { UsageError } from "./usage-error.ts";

/** How `migrations check` and `calls diff` print their findings: for a person, a program, or a CI. */
export const reportFormats = ["text", "json", "sarif", "github"] as const;
export type ReportFormat = (typeof reportFormats)[number];

export function addFormatOptions(command: Command): Command {
  return command
    .option(
      "--format <format>",
      "text, json, sarif (SARIF 2.1.0, for code scanning) or github (workflow commands)",
    )
    .option("-o, --output <format>", "the same as --format (-o json as before)");
}

/** --format, or -o as it was spelled before --format existed; both only when they agree. */
export function reportFormat(opts: { readonly format?: string; readonly output?: string }): ReportFormat {
  if (opts.format !== undefined && opts.output !== undefined && opts.format !== opts.output)
    throw new UsageError(`--format ${opts.format} and -o ${opts.output} disagree: give one`);
  const format = opts.format ?? opts.output ?? "text";
  if (!(reportFormats as readonly string[]).includes(format))
    throw new UsageError(`--format must be ${reportFormats.join(", ")}, found "${format}"`);
  return format as ReportFormat;
}
