import type { Output } from "../../src/cli/output.ts";
import { formatTable } from "../../src/cli/output.ts";

/** An Output that collects what a command says, for assertions. */
export function captureOutput(answers: string[] = []): Output & { stdout: string; stderr: string } {
  let requested: number | undefined;
  const out = {
    stdout: "",
    stderr: "",
    write: (t: string) => void (out.stdout += t),
    line: (t: string) => void (out.stdout += `${t}\n`),
    note: (t: string) => void (out.stderr += `${t}\n`),
    error: (t: string) => void (out.stderr += `${t}\n`),
    table: (h: readonly string[], rows: readonly (readonly string[])[]) =>
      void (out.stdout += formatTable(h, rows)),
    progress: () => undefined,
    ask: async () => answers.shift() ?? "",
    exitCode: (code: number) => void (requested = code),
    get requestedExitCode() {
      return requested;
    },
    colour: false,
    interactive: answers.length > 0,
  };
  return out;
}
