import { Command, CommanderError, Help } from "commander";
import { DefinitionError } from "../definitions/errors.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";
import { SearchError } from "../clients/search/client.ts";
import { ApplyFailed } from "../clients/kubernetes/apply-objects.ts";
import { LockHeld, LockLost } from "../procedure/lock.ts";
import { CanaryWaiting } from "../canary/waiting.ts";
import { ReleaseExists, ReleaseNotFound } from "../release/errors.ts";
import { commandNamed, commandNameIn, commands } from "./command-table.ts";
import { ExitCode } from "./exit-codes.ts";
import type { Output } from "./output.ts";
import { UsageError } from "./usage-error.ts";
import { versionText } from "./version.ts";

/** Runs one command line and returns its exit code. The CLI is only flags bound to actions. */
export async function run(argv: readonly string[], out: Output): Promise<number> {
  const program = new Command("slipway")
    .description("Deploy a platform of services to Kubernetes through a safe, enforced procedure.")
    .option(
      "-c, --config <path>",
      "the project's slipway.config.ts (default: found from the working folder up)",
    )
    .option("--kubeconfig <path>", "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
    .option(
      "--cluster <name>",
      "in a fleet environment (`clusters`), the one cluster to act on (deploy: that cluster alone, outside the waves)",
    )
    // The libraries' versions are read from their package files only when asked for.
    .version(
      argv.includes("-V") || argv.includes("--version") ? versionText() : "",
      "-V, --version",
      "print the version of Slipway and of the libraries it runs on",
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => out.error(s.trimEnd()) });
  // Only the command being run is loaded (and with it only what it imports); help and an
  // unknown command see every command's name and summary from the table, which costs nothing.
  const chosen = commandNamed(commandNameIn(argv));
  if (chosen) (await chosen.load())(program, out);
  else {
    for (const entry of commands) program.command(entry.name).description(entry.description);
    const help = new Help();
    program.configureHelp({
      subcommandTerm: (cmd) => commandNamed(cmd.name())?.term ?? help.subcommandTerm(cmd),
    });
  }
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }

  try {
    await program.parseAsync([...argv], { from: "user" });
    return out.requestedExitCode ?? ExitCode.ok;
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
    if (error instanceof LockHeld) {
      out.error(
        `error: ${error.message}\n  hint: wait with --wait-for-lock; if the holder is gone for good: slipway unlock --env <env> --force`,
      );
      return ExitCode.lockHeld;
    }
    if (error instanceof CanaryWaiting) {
      out.error(`error: refused: ${error.message}; nothing was deployed`);
      return ExitCode.refused;
    }
    if (error instanceof LockLost) {
      out.error(
        `error: ${error.message}; this deploy stopped before its next write\n  hint: another deploy may have taken over; running this deploy again resumes what is left once the lock is free (--wait-for-lock)`,
      );
      return ExitCode.failure;
    }
    if (
      error instanceof KubernetesApiError ||
      error instanceof SearchError ||
      error instanceof ApplyFailed ||
      error instanceof ReleaseNotFound ||
      error instanceof ReleaseExists
    ) {
      out.error(`error: ${error.message}`);
      return ExitCode.failure;
    }
    const network = networkError(error);
    if (network) {
      out.error(`error: ${network}`);
      return ExitCode.failure;
    }
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version"
        ? ExitCode.ok
        : ExitCode.usage;
    }
    throw error;
  }
}

/** A cluster we cannot reach, said plainly. */
function networkError(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const known = [
    "ECONNREFUSED",
    "ENOTFOUND",
    "ETIMEDOUT",
    "ECONNRESET",
    "EHOSTUNREACH",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "CERT_HAS_EXPIRED",
  ];
  if (typeof code === "string" && known.includes(code)) {
    const address = (error as { address?: string; port?: number }).address;
    const port = (error as { port?: number }).port;
    return `cannot reach the cluster${address ? ` at ${address}${port ? `:${port}` : ""}` : ""}: ${(error as Error).message} (check the environment's kube context and that the API server is up)`;
  }
  return undefined;
}
