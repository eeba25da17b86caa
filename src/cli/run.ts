import { Command, CommanderError } from "commander";
import { DefinitionError } from "../definitions/errors.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";
import { SearchError } from "../clients/search/client.ts";
import { ApplyFailed } from "../clients/kubernetes/apply-objects.ts";
import { LockHeld, LockLost } from "../procedure/lock.ts";
import { ReleaseExists, ReleaseNotFound } from "../release/errors.ts";
import { registerAudit } from "./commands/audit.ts";
import { registerCalls } from "./commands/calls.ts";
import { registerCluster } from "./commands/cluster.ts";
import { registerDeploy } from "./commands/deploy.ts";
import { registerSignoff } from "./commands/signoff.ts";
import { registerDrift } from "./commands/drift.ts";
import { registerEnv } from "./commands/env.ts";
import { registerHistory } from "./commands/history.ts";
import { registerJob } from "./commands/job.ts";
import { registerList } from "./commands/list.ts";
import { registerMigrate } from "./commands/migrate.ts";
import { registerMigrationsCheck } from "./commands/migrations-check.ts";
import { registerPlan } from "./commands/plan.ts";
import { registerRbac } from "./commands/rbac.ts";
import { registerRollback } from "./commands/rollback.ts";
import { registerStatus } from "./commands/status.ts";
import { registerUnlock } from "./commands/unlock.ts";
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
    .option("--kubeconfig <path>", "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => out.error(s.trimEnd()) });
  registerValidate(program, out);
  registerList(program, out);
  registerRender(program, out);
  registerPlan(program, out);
  registerDeploy(program, out);
  registerStatus(program, out);
  registerDrift(program, out);
  registerEnv(program, out);
  registerHistory(program, out);
  registerRollback(program, out);
  registerJob(program, out);
  registerMigrate(program, out);
  registerMigrationsCheck(program, out);
  registerUnlock(program, out);
  registerRbac(program, out);
  registerAudit(program, out);
  registerCalls(program, out);
  registerSignoff(program, out);
  registerCluster(program, out);
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
      return ExitCode.failure;
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
