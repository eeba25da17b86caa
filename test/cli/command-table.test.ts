import { Command, Help } from "commander";
import { describe, expect, it } from "vitest";
import { commandNameIn, commands } from "../../src/cli/command-table.ts";
import { captureOutput } from "../support/output.ts";

describe("the command table (what --help shows without loading any command)", () => {
  it("says of each command exactly what the command itself registers", async () => {
    const help = new Help();
    for (const entry of commands) {
      const program = new Command("slipway");
      (await entry.load())(program, captureOutput());
      expect(program.commands.map((c) => c.name())).toEqual([entry.name]);
      const real = program.commands[0] as Command;
      expect({ term: help.subcommandTerm(real), description: real.description() }).toEqual({
        term: entry.term,
        description: entry.description,
      });
    }
  });

  it("finds the command a command line runs past the global options and their values", () => {
    expect(commandNameIn(["validate"])).toBe("validate");
    expect(commandNameIn(["-c", "validate", "list"])).toBe("list");
    expect(commandNameIn(["--config", "x.ts", "--kubeconfig", "k", "deploy", "-e", "dev"])).toBe("deploy");
    expect(commandNameIn(["--config=x.ts", "plan"])).toBe("plan");
    expect(commandNameIn(["help", "migrations"])).toBe("migrations");
    expect(commandNameIn(["--help"])).toBeUndefined();
    expect(commandNameIn(["help"])).toBeUndefined();
  });
});
