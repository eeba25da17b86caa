import { Option } from "commander";
import { UsageError } from "./usage-error.ts";

/** How `migrations check` and `calls diff` print their findings: for a person, a program, or a CI. */
export const reportFormats = ["text", "json", "sarif", "github"] as const;
export type ReportFormat = (typeof reportFormats)[number];

export const formatOption = (): Option =>
  new Option(
    "--format <format>",
    "text, json, sarif (SARIF 2.1.0, for code scanning) or github (workflow commands)",
  );

/** `-o`, as these commands spelled the format before --format existed (`-o json`). */
export const outputOption = (): Option => new Option("-o, --output <format>", "the same as --format");

/** --format, or -o; both only when they agree. */
export function reportFormat(opts: { readonly format?: string; readonly output?: string }): ReportFormat {
  if (opts.format !== undefined && opts.output !== undefined && opts.format !== opts.output)
    throw new UsageError(`--format ${opts.format} and -o ${opts.output} disagree: give one`);
  const format = opts.format ?? opts.output ?? "text";
  if (!(reportFormats as readonly string[]).includes(format))
    throw new UsageError(`--format must be ${reportFormats.join(", ")}, found "${format}"`);
  return format as ReportFormat;
}
