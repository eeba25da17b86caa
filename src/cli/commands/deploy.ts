import type { Command } from "commander";
import { Deploy } from "../../procedure/deploy.ts";
import { deployer } from "../../procedure/identity.ts";
import { deployOptionsFor } from "../../deploy/options-for.ts";
import { DeployCiReports } from "../ci-reports.ts";
import type { Output } from "../output.ts";
import { addParameterFlags, parameterOverrides, type ParameterFlags } from "../parameter-flags.ts";
import type { Plan } from "../../plan/plan.ts";
import type { DeployReport } from "../../procedure/report.ts";
import type { PromotionOnRecord } from "../../promotion/request.ts";
import { openSession, type Session } from "../session.ts";
import { listedPlanFor } from "../../deploy/listed-plan.ts";
import { UsageError } from "../usage-error.ts";
import { confirm } from "../confirm.ts";
import { deployRenderer } from "../deploy-report.ts";
import { outputFormat } from "../output-format.ts";
import { parseDuration } from "../duration.ts";
import { ReleaseNotifier } from "../../notify/notifier.ts";
import { deliveryLine, recordDeliveries } from "../../notify/record-deliveries.ts";
import { ReleaseStore } from "../../release/store.ts";
import { deployFleet } from "../fleet-deploy.ts";

export interface DeployFlags extends ParameterFlags {
  env: string;
  yes?: boolean;
  dryRun?: boolean;
  forceConflicts?: boolean;
  reclaim?: boolean;
  rollback: boolean;
  timeout: string;
  parallel: string;
  waitForLock?: boolean;
  allowBreakingMigrations?: boolean;
  skipCiCheck?: boolean;
  skipDynamicProof?: boolean;
  skipAuditIndex?: boolean;
  breakGlass?: boolean;
  reason?: string;
  evidenceWindow: string;
  scratchDatabase: string;
  output: string;
  lockLease: string;
  junit?: string;
  rollBackFinishedWaves?: boolean;
}

/** `slipway deploy`'s defaults: also what a deploy resumed by another command runs with. */
export const deployDefaults = {
  rollback: true,
  timeout: "5m",
  parallel: "4",
  lockLease: "30s",
  evidenceWindow: "24h",
  scratchDatabase: "pglite",
} as const;

export function registerDeploy(program: Command, out: Output): void {
  const command = program
    .command("deploy")
    .description(
      "deploy the services (all when none are named): plan, confirm, apply, wait, prune, record; roll back by itself on failure",
    )
    .argument("[service...]", "services to deploy (default: all)")
    .requiredOption("-e, --env <name>", "environment")
    .option("-y, --yes", "do not ask for confirmation (required without a terminal)")
    .option("--dry-run", "go as far as a server-side dry run; change nothing")
    .option(
      "-o, --output <format>",
      "text; json: the DeployReport document on stdout; jsonl: one JSON document per line on stdout, the plan first, then each event, the report last",
      "text",
    )
    .option(
      "--junit <file>",
      "also write a JUnit report (each check and each service a test case), for Jenkins",
    )
    .option("--force-conflicts", "take over fields that other field managers own")
    .option(
      "--reclaim",
      "also remove fields other field managers added (kubectl set env): take them over, then apply without them; implies --force-conflicts",
    )
    .option("--no-rollback", "on a failed rollout, leave it for inspection instead of rolling back")
    .option("--timeout <duration>", "how long a rollout may take, e.g. 90s or 5m", deployDefaults.timeout)
    .option(
      "--parallel <n>",
      "services deployed at once (among those whose dependencies are done)",
      deployDefaults.parallel,
    )
    .option("--wait-for-lock", "wait for another deploy to finish instead of stopping")
    .option(
      "--lock-lease <duration>",
      "how long the deploy lock lasts unless renewed (every third of it); a deploy that cannot renew it for that long stops",
      deployDefaults.lockLease,
    )
    .option(
      "--allow-breaking-migrations",
      "deploy although the migration check finds changes that break the running version (needs --reason)",
    )
    .option(
      "--skip-ci-check",
      "emergencies: deploy without the CI and promotion checks (needs --reason; shown in status and history)",
    )
    .option(
      "--skip-dynamic-proof",
      "deploy without the dynamic proof of the migrations (the static check still applies), e.g. when this machine cannot reach the database (needs --reason; shown in status and history)",
    )
    .option(
      "--skip-audit-index",
      "deploy without updating the audit indices of changed calls: a breaking call's entries are then rejected by the search server (needs --reason; each such call and field is said and recorded)",
    )
    .option(
      "--break-glass",
      "deploy although the environment is frozen by its deploy windows: only for the users and groups it names in breakGlass (needs --reason; recorded, shown by status and history, announced)",
    )
    .option("--reason <text>", "why the override is safe; recorded in the release")
    .option(
      "--scratch-database <kind>",
      "where the dynamic proof copies the live schema: pglite (embedded) or server (a throwaway database on the live server)",
      deployDefaults.scratchDatabase,
    )
    .option(
      "--evidence-window <duration>",
      "how long live queries must have been observed before 'no query touches it' lets a drop through",
      deployDefaults.evidenceWindow,
    )
    .option(
      "--roll-back-finished-waves",
      "a fleet (`clusters`): when a wave's failures go beyond its budget, also roll back the clusters already deployed",
    );
  addParameterFlags(command).action(async (services: string[], opts: DeployFlags, cmd: Command) => {
    const render = deployRenderer(out, outputFormat(opts.output, ["text", "json", "jsonl"]));
    const parallel = Number(opts.parallel);
    if (!Number.isInteger(parallel) || parallel < 1)
      throw new UsageError(`--parallel must be a positive integer, found "${opts.parallel}"`);
    parseDuration(opts.timeout, "--timeout"); // a wrong value is exit 2 before anything is read
    if (!["pglite", "server"].includes(opts.scratchDatabase))
      throw new UsageError(`--scratch-database must be pglite or server, found "${opts.scratchDatabase}"`);
    if (opts.allowBreakingMigrations && !opts.reason?.trim())
      throw new UsageError(
        "--allow-breaking-migrations needs --reason",
        'say why it is safe: --reason "v2 no longer reads the column"',
      );
    if (opts.skipCiCheck && !opts.reason?.trim())
      throw new UsageError(
        "--skip-ci-check needs --reason",
        'say why this cannot wait for CI: --reason "hotfix for the outage, tests ran on a laptop"',
      );
    if (opts.skipDynamicProof && !opts.reason?.trim())
      throw new UsageError(
        "--skip-dynamic-proof needs --reason",
        'say why the running version survives the migrations: --reason "the database is reachable from the cluster only; V7 only adds a table"',
      );
    if (opts.skipAuditIndex && !opts.reason?.trim())
      throw new UsageError(
        "--skip-audit-index needs --reason",
        'say why losing or not indexing audit entries is acceptable: --reason "the search server is down; entries of files.browse are kept in the pods\' logs"',
      );
    if (opts.breakGlass && !opts.reason?.trim())
      throw new UsageError(
        "--break-glass needs --reason",
        'say why this cannot wait for the window: --reason "fix for the outage of files, INC-231"',
      );
    const session = await openSession(cmd, opts.env, services, parameterOverrides(opts), "whole");
    if (session.env.fleet && !session.env.member) {
      if (opts.junit)
        throw new UsageError("--junit is written for one cluster: with a fleet, add --cluster NAME");
      await deployFleet({
        out,
        cmd,
        session,
        services,
        opts,
        format: outputFormat(opts.output, ["text", "json", "jsonl"]),
      });
      return;
    }
    if (opts.rollBackFinishedWaves)
      throw new UsageError(
        "--roll-back-finished-waves is for a fleet deployed in waves (an environment with `clusters`, without --cluster)",
      );
    const plan = await listedPlanFor(session, services, {
      ...(opts.breakGlass && opts.reason ? { breakGlass: { reason: opts.reason } } : {}),
      command: `slipway deploy -e ${session.env.name}${services.length ? ` ${services.join(" ")}` : ""}`,
      ...(opts.skipDynamicProof ? { skipDynamicProof: true } : {}),
      ...(out.signal ? { signal: out.signal } : {}),
      ...(opts.skipCiCheck && opts.reason ? { skipCi: { reason: opts.reason } } : {}),
      forceConflicts: opts.forceConflicts === true,
      reclaim: opts.reclaim === true,
    });
    render.plan(plan);
    await deployPlanned({ out, render, session, plan, services, opts });
  });
}

/**
 * After the plan is shown: refuse it if blocked, ask, then run the procedure and report. Shared
 * by `deploy` and `approve` (which deploys an approved promotion), so both go the same way.
 */
export async function deployPlanned(args: {
  readonly out: Output;
  readonly render: ReturnType<typeof deployRenderer>;
  readonly session: Session;
  readonly plan: Plan;
  readonly services: readonly string[];
  readonly opts: DeployFlags;
  readonly promotion?: PromotionOnRecord;
  /** Who deploys, when already known (an approver). */
  readonly deployedBy?: string;
}): Promise<DeployReport | undefined> {
  const { out, render, session, plan, services, opts } = args;
  const timeoutMs = parseDuration(opts.timeout, "--timeout");
  const parallel = Number(opts.parallel);
  const ci = new DeployCiReports(plan, opts.junit);
  if (plan.blocked) {
    ci.finish();
    render.refused(plan);
    return undefined;
  }
  if (!plan.changed) {
    ci.finish({ ok: true, services: [] });
    render.nothingToDeploy();
    return undefined;
  }
  if (
    !opts.dryRun &&
    !(await confirm(render.human, {
      yes: opts.yes === true,
      verb: "deploy",
      question: `Deploy to ${session.env.name} (${session.env.cluster.context}/${session.env.cluster.namespace})?`,
      declined: "Not deployed.",
    }))
  )
    return undefined;
  const started = Date.now();
  const deployedBy = opts.dryRun ? "dry-run" : (args.deployedBy ?? (await deployer(session.cluster)));
  // One message per deploy (or promotion), kept current from the same events the terminal draws;
  // none for a dry run.
  const notifier = opts.dryRun
    ? undefined
    : await ReleaseNotifier.open({
        cluster: session.cluster,
        env: session.env,
        project: session.project.name,
        action: args.promotion ? "promotion" : "deploy",
        by: deployedBy,
        services: plan.services
          .filter((s) => s.changed)
          .map((s) => ({
            service: s.service,
            to: s.newVersion,
            ...(s.liveVersion ? { from: s.liveVersion } : {}),
          })),
        warn: (text) => render.human.error(text),
      });
  const sink = ci.recording(notifier ? notifier.tee(render.events) : render.events);
  const deploy = render.watched(new Deploy(session.cluster, sink));
  const report = await deploy
    .run(
      session.project,
      session.env,
      plan,
      deployOptionsFor({
        target: session,
        plan,
        only: services,
        deployedBy,
        choices: {
          dryRun: opts.dryRun === true,
          forceConflicts: opts.forceConflicts === true || opts.reclaim === true,
          rollback: opts.rollback,
          timeoutMs,
          parallel,
          waitForLock: opts.waitForLock === true,
          leaseSeconds: Math.max(3, Math.round(parseDuration(opts.lockLease, "--lock-lease") / 1000)),
          ...(args.promotion ? { promotion: args.promotion } : {}),
          ...(opts.allowBreakingMigrations && opts.reason
            ? { allowBreakingMigrations: { reason: opts.reason } }
            : {}),
          evidenceWindowMs: parseDuration(opts.evidenceWindow, "--evidence-window"),
          scratchDatabase: opts.scratchDatabase as "pglite" | "server",
          ...(out.signal ? { signal: out.signal } : {}),
          ...(opts.skipCiCheck && opts.reason ? { skippedCi: { reason: opts.reason } } : {}),
          ...(opts.skipDynamicProof && opts.reason ? { skipDynamicProof: { reason: opts.reason } } : {}),
          ...(opts.skipAuditIndex && opts.reason ? { skipAuditIndex: { reason: opts.reason } } : {}),
        },
      }),
    )
    .catch(async (error: unknown) => {
      // Stopped (the lock held by another, lost, ...): the message says so before the error is.
      notifier?.end({
        ok: false,
        services: [],
        stopped: error instanceof Error ? error.message : String(error),
      });
      await notifier?.settle();
      throw error;
    });
  notifier?.end(report);
  ci.finish(report);
  render.report(report, started);
  if (notifier) {
    const deliveries = await notifier.settle();
    for (const d of deliveries) render.human.note(deliveryLine(d));
    await recordDeliveries(
      new ReleaseStore(session.cluster, session.env.cluster.namespace),
      // The releases this deploy wrote: not those it left unchanged or never started.
      report.services.filter((s) => ["deployed", "failed", "rolled-back"].includes(s.outcome)),
      deliveries,
    );
  }
  return report;
}
