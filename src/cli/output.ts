import { createInterface } from "node:readline/promises";

/**
 * Where a command writes: results to stdout, notes and errors to stderr, live progress on a
 * terminal only. Tests pass their own.
 */
export interface Output {
  write(text: string): void;
  line(text: string): void;
  note(text: string): void;
  error(text: string): void;
  table(header: readonly string[], rows: readonly (readonly string[])[]): void;
  /** A status line rewritten in place on a terminal; "" clears it. Off a terminal, changes only. */
  progress(text: string): void;
  ask(question: string): Promise<string>;
  /** Ask the command to end with this code (2 for "changes" in plan --detailed-exitcode, ...). */
  exitCode(code: number): void;
  readonly requestedExitCode: number | undefined;
  readonly colour: boolean;
  readonly interactive: boolean;
  readonly signal?: AbortSignal;
}

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [header, ...rows]
    .map(
      (row) =>
        row
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd() + "\n",
    )
    .join("");
}

export function streamOutput(
  stdout: NodeJS.WriteStream,
  stderr: NodeJS.WriteStream,
  stdin: NodeJS.ReadStream,
  signal?: AbortSignal,
): Output {
  let requested: number | undefined;
  let lastProgress = "";
  const live = stderr.isTTY === true;
  const clear = (): void => {
    if (live && lastProgress) stderr.write("\r\u001b[2K");
    lastProgress = "";
  };
  return {
    write: (text) => void stdout.write(text),
    line: (text) => void stdout.write(`${text}\n`),
    note: (text) => {
      clear();
      stderr.write(`${text}\n`);
    },
    error: (text) => {
      clear();
      stderr.write(`${text}\n`);
    },
    table: (header, rows) => void stdout.write(formatTable(header, rows)),
    progress(text) {
      if (text === lastProgress) return;
      if (live) stderr.write(`\r\u001b[2K${text}`);
      else if (text) stderr.write(`${text}\n`);
      lastProgress = text;
    },
    async ask(question) {
      const rl = createInterface({ input: stdin, output: stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    exitCode: (code) => void (requested = code),
    get requestedExitCode() {
      return requested;
    },
    colour: stdout.isTTY === true && !process.env.NO_COLOR,
    interactive: stdin.isTTY === true && stderr.isTTY === true,
    ...(signal ? { signal } : {}),
  };
}
