import type { SlipwayDocument } from "../output/documents.ts";
import { formatTable, type Output } from "./output.ts";
import { UsageError } from "./usage-error.ts";

/**
 * The value of a command's -o/--output, checked: anything else is a usage error (exit 2), said
 * before the command reads or changes anything.
 */
export function outputFormat<F extends string>(value: string, allowed: readonly F[]): F {
  const found = allowed.find((f) => f === value);
  if (found === undefined)
    throw new UsageError(
      `--output must be ${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1) ?? ""}, found "${value}"`,
    );
  return found;
}

/** A document of Slipway's schema on stdout; the only thing a JSON run prints there. */
export function printDocument(out: Output, doc: SlipwayDocument): void {
  out.line(JSON.stringify(doc, null, 2));
}

/**
 * The same output with its results (lines, tables) on stderr: a command printing a document
 * keeps stdout for that document, and its human account still shows.
 */
export function humanOnStderr(out: Output): Output {
  return {
    ...out,
    write: (text) => out.note(text.trimEnd()),
    line: (text) => out.note(text),
    table: (header, rows) => out.note(formatTable(header, rows).trimEnd()),
    // Getters do not survive a spread: read through to the original.
    exitCode: (code) => out.exitCode(code),
    get requestedExitCode() {
      return out.requestedExitCode;
    },
  };
}
