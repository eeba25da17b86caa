import { describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import { exampleConfig } from "../support/project.ts";
import { runSlipway } from "../support/slipway-bin.ts";

// Every command that prints a document: an -o it does not know is a usage error, said before
// it reads the project or reaches a cluster.
const commands: { args: string[]; formats: string }[] = [
  { args: ["plan", "-e", "dev"], formats: "text or json" },
  { args: ["deploy", "-e", "dev"], formats: "text, json or jsonl" },
  { args: ["status", "-e", "dev"], formats: "table or json" },
  { args: ["history", "auth", "-e", "dev"], formats: "table or json" },
  { args: ["drift", "-e", "dev"], formats: "text or json" },
  { args: ["audit", "status", "-e", "dev"], formats: "table or json" },
  { args: ["env", "check", "-e", "dev"], formats: "text or json" },
  { args: ["env", "list"], formats: "table or json" },
  { args: ["list"], formats: "table or json" },
  { args: ["rollback", "auth", "-e", "dev"], formats: "text or json" },
  { args: ["cluster", "move", "--from", "dev", "--to", "prod"], formats: "text or json" },
  { args: ["canary", "promote", "auth", "-e", "dev"], formats: "text or json" },
  { args: ["abort", "auth", "-e", "dev", "--reason", "errors"], formats: "text or json" },
];

describe("an unknown -o value", () => {
  it.each(commands)("$args.0 $args.1: exit 2, naming the formats there are", async ({ args, formats }) => {
    const r = await runSlipway([...args, "-o", "yaml", "-c", exampleConfig, "--kubeconfig", "/nonexistent"]);
    expect(r.code, r.stderr).toBe(ExitCode.usage);
    expect(r.stderr).toBe(`error: --output must be ${formats}, found "yaml"\n`);
    expect(r.stdout).toBe("");
  });
});
