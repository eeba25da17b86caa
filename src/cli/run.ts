import { Command, CommanderError } from "commander";
import { DefinitionError } from "../definitions/errors.ts";
import { registerList } from "./commands/list.ts";
import { registerRender } from "./commands/render.ts";
import { registerValidate } from "./commands/validate.ts";
import { ExitCode } from "./exit-codes.ts";
import type { Output } from "./output.ts";
import { UsageError } from "./usage-error.ts";

/** Runs one command line and returns its exit code. The CLI is only flags bound to actions. */
export async function run(argv: readonly string[], out: Output): Promise<number> {
  const program = new Command("slipway")
    .description("Deploy a platform of services to Kubernetes through a safe, enforced procedure.")
    .option(
      "-c, --config <path>",
      "the project's slipway.config.ts (default: found from the working folder up)",
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => out.error(s.trimEnd()) });
  registerValidate(program, out);
  registerList(program, out);
  registerRender(program, out);
  for (const command of program.commands) command.exitOverride();

  try {
    await program.parseAsync([...argv], { from: "user" });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof DefinitionError) {
      out.error(error.render());
      out.error(`${error.message}; nothing was rendered or changed`);
      return ExitCode.usage;
    }
    if (error instanceof UsageError) {
      out.error(`error: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ""}`);
      return ExitCode.usage;
    }
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version"
        ? ExitCode.ok
        : ExitCode.usage;
    }
    throw error;
  }
}
