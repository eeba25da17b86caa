import { formatTable, type Output } from "./output.ts";

/**
 * One fleet cluster's share of a command's output: each line a person reads starts with the
 * cluster's name, each JSON document on stdout carries it as `cluster`, and the exit code the
 * cluster's own deploy asks for is kept for the fleet to weigh instead of ending the command.
 */
export function clusterOutput(
  out: Output,
  cluster: string,
  stdout: "text" | "documents",
): Output & { readonly clusterExitCode: number | undefined } {
  const prefix = (text: string): string =>
    text
      .split("\n")
      .map((line) => `[${cluster}] ${line}`)
      .join("\n");
  let code: number | undefined;
  return {
    ...out,
    write: (text) => (stdout === "documents" ? out.write(text) : out.write(prefix(text.trimEnd()) + "\n")),
    line: (text) => {
      if (stdout === "documents" && text.startsWith("{"))
        out.line(JSON.stringify({ ...(JSON.parse(text) as object), cluster }));
      else if (stdout === "documents") out.note(prefix(text));
      else out.line(prefix(text));
    },
    note: (text) => out.note(prefix(text)),
    error: (text) => out.error(prefix(text)),
    table: (header, rows) => {
      const text = prefix(formatTable(header, rows).trimEnd());
      if (stdout === "text") out.line(text);
      else out.note(text);
    },
    progress: (text) => out.progress(text ? prefix(text) : ""),
    exitCode: (c) => {
      code = c;
    },
    get requestedExitCode() {
      return code;
    },
    get clusterExitCode() {
      return code;
    },
  };
}
