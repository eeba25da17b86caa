import { readFileSync } from "node:fs";

/**
 * A failure of one part of the platform, said the way an operator needs it:
 * which part, what happened, and the end of its log with the log's path.
 */
export class PlatformError extends Error {
  constructor(
    readonly part: string,
    message: string,
    readonly details: { readonly hint?: string; readonly logPath?: string } = {},
  ) {
    super(message);
    this.name = "PlatformError";
  }

  render(): string {
    const lines = [`${this.part}: ${this.message}`];
    if (this.details.hint) lines.push(`  hint: ${this.details.hint}`);
    if (this.details.logPath) {
      lines.push(`  log: ${this.details.logPath}`);
      const tail = logTail(this.details.logPath, 20);
      if (tail) lines.push(...tail.split("\n").map((l) => `  | ${l}`));
    }
    return lines.join("\n");
  }
}

/** The last `lines` lines of a log file, or "" when there is none yet. */
export function logTail(path: string, lines: number): string {
  try {
    const text = readFileSync(path, "utf8").trimEnd();
    return text.split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
