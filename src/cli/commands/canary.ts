import type { Command } from "commander";
import { actOnCanary, CanaryActionRefused, decisionTaken, type CanaryAction } from "../../canary/act.ts";
import { resumePlan } from "../../canary/resume.ts";
import { document } from "../../output/document.ts";
import type { CanaryActionReport } from "../../output/documents.ts";
import { deployer } from "../../procedure/identity.ts";
import { deployRenderer } from "../deploy-report.ts";
import { parseDuration } from "../duration.ts";
import { ExitCode } from "../exit-codes.ts";
import type { Output } from "../output.ts";
import { humanOnStderr, outputFormat, printDocument } from "../output-format.ts";
import { openSession } from "../session.ts";
import { UsageError } from "../usage-error.ts";
import { deployDefaults, deployPlanned } from "./deploy.ts";

export interface CanaryFlags {
  env: string;
  reason?: string;
  wait: string;
  output: string;
}

const what = {
  promote:
    "promote a service's paused canary past its pause (the deploy that runs it goes on; a killed one is resumed here)",
  abort:
    "abort a service's canary (needs --reason): the canary's pods go, the stable version is whole again, the release is recorded as aborted",
} as const;

/** The flags of a person's promote or abort, on whichever command carries them. */
export function canaryActionFlags(command: Command, action: CanaryAction): Command {
  return command
    .requiredOption("-e, --env <name>", "environment")
    .option(
      "--reason <text>",
      action === "abort" ? "why it is aborted (required); recorded" : "why; recorded with the decision",
    )
    .option(
      "--wait <duration>",
      "how long to wait for the deploy that runs the canary to take the decision",
      "60s",
    )
    .option("-o, --output <format>", "text, or json: the CanaryAction document on stdout", "text");
}

/**
 * `slipway canary promote|abort SERVICE -e ENV` (and `slipway promote SERVICE -e ENV`,
 * `slipway abort`): gives the decision, then says who took it, or resumes the deploy that was
 * running the canary when none runs it any more, as `slipway deploy -e ENV SERVICE` would.
 */
export async function runCanaryAction(
  action: CanaryAction,
  service: string,
  opts: CanaryFlags,
  cmd: Command,
  out: Output,
): Promise<void> {
  const format = outputFormat(opts.output, ["text", "json"]);
  const shown = format === "json" ? humanOnStderr(out) : out;
  if (action === "abort" && !opts.reason?.trim())
    throw new UsageError(
      "abort needs --reason",
      'say why, for the record: --reason "uploads fail on the canary since it took 50%"',
    );
  const waitMs = parseDuration(opts.wait, "--wait");
  const session = await openSession(cmd, opts.env, [service]);
  const { env, cluster } = session;
  const namespace = env.cluster.namespace;
  const refused = (error: unknown): never => {
    if (!(error instanceof CanaryActionRefused)) throw error;
    if (error.kind === "not-paused" || error.kind === "no-reason") throw new UsageError(error.message);
    throw new CanaryRefusal(error.message);
  };
  try {
    const result = await actOnCanary({
      cluster,
      namespace,
      environment: env.name,
      service,
      action,
      ...(opts.reason?.trim() ? { reason: opts.reason.trim() } : {}),
      by: await deployer(cluster),
      waitMs,
      ...(out.signal ? { signal: out.signal } : {}),
    }).catch(refused);
    const { decision } = result;
    const base = {
      environment: env.name,
      service,
      revision: result.revision,
      version: result.version,
      decision,
    };
    const given = `${service}: canary ${action} given at step ${decision.step + 1} (revision ${result.revision}, ${result.version}) by ${decision.by}`;
    let report: CanaryActionReport;
    if (result.carriedOutBy) {
      shown.line(`${given}; taken by the deploy that runs it: ${result.carriedOutBy}`);
      report = { ...base, outcome: "taken", deployer: result.carriedOutBy };
    } else if (result.waitingFor) {
      shown.line(
        `${given}; the deploy that runs it (${result.waitingFor}) had not taken it within ${opts.wait}: it waits on ${result.deployment} and is taken when that deploy looks next`,
      );
      report = { ...base, outcome: "waiting", deployer: result.waitingFor };
    } else {
      shown.note(
        `${given}; no deploy runs it any more (the one that ran it was stopped): resuming it as slipway deploy -e ${env.name} ${service} would`,
      );
      const plan = await resumePlan(session, service, result.revision, out.signal).catch(refused);
      const render = deployRenderer(shown, "text");
      render.plan(plan);
      const deployed = await deployPlanned({
        out: shown,
        render,
        session,
        plan,
        services: [service],
        opts: { ...deployDefaults, env: env.name, yes: true, output: "text", set: [], setFromEnv: [] },
      });
      // Refused by a check: deployPlanned said why and chose the exit code.
      if (!deployed) return;
      const taken = await decisionTaken(cluster, namespace, result.deployment, 0);
      report = { ...base, outcome: taken ? "taken" : "not-taken", resumed: deployed };
      if (!taken) {
        out.error(
          `error: the resumed deploy of ${service} ended without taking the ${action} (it waits on ${result.deployment})`,
        );
        out.exitCode(ExitCode.failure);
      } else if (action === "abort") out.exitCode(ExitCode.ok); // the rollback an abort asks for is its success
    }
    if (format === "json") printDocument(out, document("CanaryAction", report));
  } catch (error) {
    if (!(error instanceof CanaryRefusal)) throw error;
    out.error(`error: ${error.message}`);
    out.exitCode(ExitCode.refused);
  }
}

/** No canary to decide on, or none that can be resumed as it was: exit 4. */
class CanaryRefusal extends Error {}

export function registerCanary(program: Command, out: Output): void {
  const canary = program
    .command("canary")
    .description("a person's decisions on a service's canary: promote past a pause, or abort");
  for (const action of ["promote", "abort"] as const)
    canaryActionFlags(
      canary.command(action).description(what[action]).argument("<service>", "service"),
      action,
    ).action((service: string, opts: CanaryFlags, cmd: Command) =>
      runCanaryAction(action, service, opts, cmd, out),
    );
}

export function registerAbort(program: Command, out: Output): void {
  canaryActionFlags(
    program.command("abort").description(what.abort).argument("<service>", "service"),
    "abort",
  ).action((service: string, opts: CanaryFlags, cmd: Command) =>
    runCanaryAction("abort", service, opts, cmd, out),
  );
}
