/** Where a command writes: results to stdout, notes and errors to stderr. Tests pass their own. */
export interface Output {
  write(text: string): void;
  line(text: string): void;
  note(text: string): void;
  error(text: string): void;
  table(header: readonly string[], rows: readonly (readonly string[])[]): void;
}

export function streamOutput(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Output {
  return {
    write: (text) => void stdout.write(text),
    line: (text) => void stdout.write(`${text}\n`),
    note: (text) => void stderr.write(`${text}\n`),
    error: (text) => void stderr.write(`${text}\n`),
    table(header, rows) {
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
      for (const row of [header, ...rows])
        stdout.write(
          row
            .map((c, i) => c.padEnd(widths[i] ?? 0))
            .join("  ")
            .trimEnd() + "\n",
        );
    },
  };
}
