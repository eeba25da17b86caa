import type { Command } from "commander";
import type { EnvironmentModel, FleetModel } from "../definitions/model.ts";
import { listedPlanFor } from "../deploy/listed-plan.ts";
import type { FleetClusterResult, FleetReport, FleetRollback } from "../fleet/events.ts";
import { runFleetDeploy, type FleetRunner } from "../fleet/deploy.ts";
import { judgeBakeByAuditIndex, type BakedService } from "../fleet/bake-audit.ts";
import { mergeThresholds } from "../definitions/rollout-strategy.ts";
import { FleetJournal, fleetTarget } from "../fleet/journal.ts";
import { fleetClusterNames } from "../fleet/member.ts";
import { deployer } from "../procedure/identity.ts";
import { ensureNamespace } from "../procedure/namespace.ts";
import { rollbackService } from "../procedure/rollback-service.ts";
import { clusterOutput } from "./cluster-output.ts";
import { confirm } from "./confirm.ts";
import { deployEvents, deployExitCode, deployRenderer, type DeployFormat } from "./deploy-report.ts";
import { deployPlanned, type DeployFlags } from "./commands/deploy.ts";
import { parseDuration } from "./duration.ts";
import { ExitCode } from "./exit-codes.ts";
import { fleetRenderer } from "./fleet-report.ts";
import type { Output } from "./output.ts";
import type { Session } from "./session.ts";
import { fleetSessions } from "./fleet-sessions.ts";

/**
 * `slipway deploy -e FLEET`: every cluster's plan shown, one confirmation, then the waves
 * (src/fleet/deploy.ts), each cluster through the same procedure as a single-cluster deploy,
 * its output marked with the cluster's name.
 */
export async function deployFleet(args: {
  readonly out: Output;
  readonly cmd: Command;
  readonly session: Session;
  readonly services: readonly string[];
  readonly opts: DeployFlags;
  readonly format: DeployFormat;
}): Promise<void> {
  const { out, cmd, session, services, opts, format } = args;
  const fleetEnv = session.env as EnvironmentModel & { fleet: FleetModel };
  const fleet = fleetEnv.fleet;
  const render = fleetRenderer(out, format);
  const sessions = new Map(
    fleetSessions({ ...session, env: fleetEnv }, cmd).map((member) => [member.name, member.session]),
  );
  const sessionOf = (name: string): Session => {
    const s = sessions.get(name);
    if (!s) throw new Error(`internal: no session for cluster ${name}`);
    return s;
  };
  const planOptions = {
    command: `slipway deploy -e ${fleetEnv.name}${services.length ? ` ${services.join(" ")}` : ""}`,
    ...(out.signal ? { signal: out.signal } : {}),
    ...(opts.skipCiCheck && opts.reason ? { skipCi: { reason: opts.reason } } : {}),
    ...(opts.skipDynamicProof ? { skipDynamicProof: true } : {}),
    ...(opts.breakGlass && opts.reason ? { breakGlass: { reason: opts.reason } } : {}),
    forceConflicts: opts.forceConflicts === true,
    reclaim: opts.reclaim === true,
  };
  // A cluster's share of the output: its lines marked with its name; with -o json, only the
  // fleet's report is on stdout, so each cluster's own account is text on stderr.
  const memberOutput = (name: string) => clusterOutput(out, name, format === "text" ? "text" : "documents");
  const memberFormat: DeployFormat = format === "json" ? "text" : format;
  // Each cluster's plan, made at once and shown in wave order before anything is asked: clusters
  // may differ (one runs an older version, one drifted). What is confirmed is what each cluster
  // then gets, as a single-cluster deploy applies the plan it showed.
  const names = fleetClusterNames(fleet);
  const planned = await Promise.all(
    names.map((name) => listedPlanFor(sessionOf(name), services, planOptions)),
  );
  const plans = new Map(names.flatMap((name, i) => (planned[i] ? [[name, planned[i]] as const] : [])));
  for (const [name, plan] of plans) deployRenderer(memberOutput(name), memberFormat).plan(plan);
  render.waves(fleet);
  if ([...plans.values()].every((p) => !p.changed && !p.blocked)) {
    render.nothingToDeploy();
    return;
  }
  if (
    !opts.dryRun &&
    !(await confirm(render.human, {
      yes: opts.yes === true,
      verb: "deploy",
      question: `Deploy to ${fleetEnv.name}: ${fleet.clusters.length} clusters in ${fleet.waves.length} waves?`,
      declined: "Not deployed.",
    }))
  )
    return;
  const deployedBy = opts.dryRun ? "dry-run" : await deployer(session.cluster);

  const runner: FleetRunner = {
    async deploy(name) {
      const s = sessionOf(name);
      const memberOut = memberOutput(name);
      const memberRender = deployRenderer(memberOut, memberFormat);
      const finish = (
        outcome: FleetClusterResult["outcome"],
        message: string,
        exitCode: number,
        deployed: readonly string[] = [],
      ): FleetClusterResult => ({
        cluster: name,
        outcome,
        message,
        deployed,
        exitCode,
      });
      try {
        const plan = plans.get(name);
        if (!plan) throw new Error(`internal: no plan for cluster ${name}`);
        if (plan.blocked) {
          memberRender.refused(plan);
          return finish(
            "refused",
            "refused by a check of the procedure (see its plan)",
            memberOut.clusterExitCode ?? ExitCode.refused,
          );
        }
        if (!plan.changed) return finish("unchanged", "nothing to deploy", 0);
        const report = await deployPlanned({
          out: memberOut,
          render: memberRender,
          session: s,
          plan,
          services,
          opts: { ...opts, yes: true },
          // Each cluster's own credentials say who deploys there.
          deployedBy: opts.dryRun ? "dry-run" : await deployer(s.cluster),
        });
        if (!report) return finish("unchanged", "nothing to deploy", 0);
        const deployed = report.services.filter((r) => r.outcome === "deployed").map((r) => r.service);
        if (report.ok) return finish("deployed", `${deployed.length} service(s) deployed`, 0, deployed);
        const code = deployExitCode(report);
        const failedOnes = report.services.filter(
          (r) => !["deployed", "unchanged", "dry-run"].includes(r.outcome),
        );
        return finish(
          code === ExitCode.rolledBack ? "rolled-back" : code === ExitCode.refused ? "refused" : "failed",
          failedOnes.map((r) => `${r.service}: ${r.outcome}: ${r.message}`).join("; "),
          code,
          deployed,
        );
      } catch (error) {
        const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
        memberOut.error(`error: ${message}`);
        return finish("failed", message, ExitCode.failure);
      }
    },
    bakeTarget(name) {
      const s = sessionOf(name);
      return { name, cluster: s.cluster, namespace: s.env.cluster.namespace, environment: s.env.name };
    },
    async judgeBake(name, deployedAt, bake) {
      const s = sessionOf(name);
      const plan = plans.get(name);
      if (!s.search || !plan) return undefined;
      const models = s.project.services.get(s.env.name) ?? [];
      const services = plan.services
        .filter((p) => p.changed)
        .flatMap((p): BakedService[] => {
          const model = models.find((m) => m.spec.name === p.service);
          if (!model) return [];
          return [
            {
              service: p.service,
              calls: model.calls.filter((c) => c.audited).map((c) => c.name),
              ...(p.liveVersion ? { previousVersion: p.liveVersion } : {}),
              version: p.newVersion,
              thresholds: mergeThresholds(s.env.rollout?.analysis, model.spec.rollout?.canary?.analysis),
            },
          ];
        });
      if (!services.some((x) => x.calls.length)) return undefined;
      return judgeBakeByAuditIndex({
        search: s.search,
        ...(s.env.search?.indexPrefix ? { indexPrefix: s.env.search.indexPrefix } : {}),
        services,
        deployedAt,
        bake,
      });
    },
    async rollBack(name, deployedServices) {
      const s = sessionOf(name);
      const memberOut = memberOutput(name);
      const results: FleetRollback[] = [];
      for (const service of deployedServices) {
        try {
          const result = await rollbackService(
            {
              project: s.project,
              env: s.env,
              cluster: s.cluster,
              ...(s.search ? { search: s.search } : {}),
              service,
              timeoutMs: parseDuration(opts.timeout, "--timeout"),
              scratchDatabase: opts.scratchDatabase as "pglite" | "server",
              ...(out.signal ? { signal: out.signal } : {}),
            },
            {
              note: (t) => memberOut.note(t),
              warn: (t) => memberOut.error(t),
              events: format === "text" ? deployEvents(memberOut) : () => undefined,
            },
          );
          results.push({
            cluster: name,
            service,
            ok: result.outcome === "rolled-back",
            message: result.refusal ?? result.said ?? result.message,
          });
        } catch (error) {
          results.push({
            cluster: name,
            service,
            ok: false,
            message: (error as Error).message.split("\n")[0] ?? "",
          });
        }
      }
      return results;
    },
  };

  if (opts.dryRun) {
    const report: FleetReport = {
      environment: fleetEnv.name,
      ok: true,
      waves: [],
      notStarted: [],
      resumed: false,
    };
    for (const name of fleetClusterNames(fleet)) await runner.deploy(name);
    render.report(report);
    return;
  }
  const home = sessionOf(fleetClusterNames(fleet)[0] ?? "");
  await ensureNamespace(home.cluster, home.env.cluster.namespace);
  const journal = await FleetJournal.open({
    cluster: home.cluster,
    namespace: home.env.cluster.namespace,
    environment: fleetEnv.name,
    fleet,
    target: fleetTarget({
      only: [...services].sort(),
      services: [...plans].map(([name, plan]) => [
        name,
        plan.services.map((p) => [p.service, p.newVersion, p.objectsHash]),
      ]),
    }),
    by: deployedBy,
  });
  const report = await runFleetDeploy(fleet, journal, runner, render.events, {
    rollBackFinishedWaves: opts.rollBackFinishedWaves === true,
    ...(out.signal ? { signal: out.signal } : {}),
  });
  render.report(report);
}
