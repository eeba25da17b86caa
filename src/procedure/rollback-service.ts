import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { SearchClient } from "../clients/search/client.ts";
import { checkCutover } from "../checks/gate/cutover.ts";
import { proveRollback, type RollbackProof } from "../checks/migrations/rollback-proof.ts";
import { servicesIn, type EnvironmentModel, type ProjectModel } from "../definitions/model.ts";
import type { RollbackReport } from "../output/documents.ts";
import { objectKey, readLiveState } from "../plan/live-state.ts";
import type { ReleaseRecord } from "../release/record.ts";
import { ReleaseStore } from "../release/store.ts";
import type { DeployEventSink } from "./events.ts";
import { currentCommit, deployer } from "./identity.ts";
import { DeployLock } from "./lock.ts";
import { canaryDeploymentName } from "../canary/names.ts";
import { removeCanary } from "../canary/tracks.ts";
import { endUnfinished } from "./release.ts";
import { restoreRelease } from "./rollback.ts";
import { checkWindows } from "../checks/gate/window.ts";
import { breakGlassLine, type BreakGlass } from "../windows/break-glass.ts";
import { freezeText } from "../windows/format.ts";
import { Windows } from "../windows/state.ts";

/**
 * `slipway rollback` as a function, shared by the CLI and the dashboard so the two cannot
 * disagree: the cut-over refusal, the choice of revision, the schema check and its refusal
 * text, the restore, and the record written with the kubeconfig's identity.
 */
export interface RollbackRequest {
  readonly project: ProjectModel;
  readonly env: EnvironmentModel;
  readonly cluster: Cluster;
  readonly search?: SearchClient;
  readonly service: string;
  /** The revision to return to; default: the newest deployable one before the deployed one. */
  readonly to?: number;
  readonly timeoutMs: number;
  /** --allow-breaking-rollback with its --reason. */
  readonly allowBreaking?: { readonly reason: string };
  readonly scratchDatabase: "pglite" | "server";
  readonly signal?: AbortSignal;
  /** --break-glass with its --reason: where rollbacks are frozen too (rollbackDuringFreeze: false). */
  readonly breakGlass?: { readonly reason: string };
}

/** What the rollback says as it goes: notes, the warning of an allowed breaking rollback, events. */
export interface RollbackSink {
  readonly note: (text: string) => void;
  readonly warn: (text: string) => void;
  readonly events: DeployEventSink;
}

export type RollbackResult = Omit<RollbackReport, "environment" | "service"> & {
  /** A refusal as the CLI prints it ("error: refused: ..."); present when refused. */
  readonly refusal?: string;
  /** The closing line ("files: rolled back to revision 1 ... as revision 3: ..."); absent when refused. */
  readonly said?: string;
};

/** No release to go back to: a wrong request, said with where to look. */
export class RollbackTargetMissing extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "RollbackTargetMissing";
  }
}

const oneLine = (query: string): string => query.replace(/\s+/g, " ").trim();

/** Why the schema of today breaks the release, with the migrations since and the ways out. */
export function rollbackRefusal(service: string, target: ReleaseRecord, proof: RollbackProof): string {
  const to = `revision ${target.revision} (${target.version})`;
  const since = proof.appliedSince.length
    ? `migrations applied since ${to}: ${proof.appliedSince.join(", ")}`
    : `no migration was applied since ${to}`;
  const way =
    'the way out: a forward fix (deploy a version that runs on this schema), or --allow-breaking-rollback --reason "..."; nothing was changed';
  if (proof.unavailable)
    return `error: refused: the schema check of ${service} ${to} cannot run: ${proof.unavailable}\n  ${way}`;
  const lines = proof.broken.map(
    (b) =>
      `  ${oneLine(b.query)}\n    no longer prepares (Postgres: ${b.message})${b.migration ? `; broken by ${b.migration}` : `; one of the migrations applied since broke it`}`,
  );
  return [
    `error: refused: rolling back ${service} to ${to} breaks ${proof.broken.length} of its ${proof.checked} recorded statement(s) on the current schema:`,
    ...lines,
    `  ${since}`,
    `  ${way}`,
  ].join("\n");
}

/**
 * A rollback during a freeze: allowed by default (it goes back to what ran before, which reduces
 * risk), and said and recorded; where the environment says `rollbackDuringFreeze: false`, refused
 * as a deploy is, unless someone it names breaks glass.
 */
async function rollbackWindow(req: RollbackRequest): Promise<{
  readonly refusal?: string;
  readonly note?: string;
  readonly check?: ReleaseRecord["checks"][number];
  readonly breakGlass?: BreakGlass;
}> {
  const { env } = req;
  const windows = new Windows(env.windows);
  const now = Date.now();
  if (!windows.any || !windows.stateAt(now).frozen) return {};
  if (env.rollbackDuringFreeze !== false) {
    const message = `${env.name} is frozen (${freezeText(windows.stateAt(now))}); a rollback is allowed during a freeze (rollbackDuringFreeze: false refuses it)`;
    return { note: message, check: { check: "window", outcome: "allowed", message } };
  }
  const verdict = checkWindows(
    env,
    now,
    `slipway rollback ${req.service} -e ${env.name}`,
    req.breakGlass ? { identity: await req.cluster.identity(), reason: req.breakGlass.reason } : undefined,
  );
  if (!verdict || verdict.check.outcome !== "failed")
    return {
      ...(verdict?.breakGlass ? { breakGlass: verdict.breakGlass } : {}),
      ...(verdict
        ? {
            note: verdict.check.summary,
            check: {
              check: "window",
              outcome: "allowed",
              message: [verdict.check.summary, ...(verdict.check.warnings ?? [])].join("; "),
            },
          }
        : {}),
    };
  return {
    refusal: `${verdict.check.summary} (rollbacks too: rollbackDuringFreeze: false); ${verdict.check.problems.join("; ")}`,
  };
}

export async function rollbackService(req: RollbackRequest, sink: RollbackSink): Promise<RollbackResult> {
  const { env, cluster, service } = req;
  const namespace = env.cluster.namespace;
  // A cut-over environment runs nothing: rolling back would start it beside where it moved.
  const live = await readLiveState(cluster, namespace, req.project.name, env.name, req.signal);
  const cutover = checkCutover(env, live, [service]);
  if (cutover)
    return {
      outcome: "refused",
      message: cutover.problems.join("; "),
      checks: [],
      refusal: `error: refused: ${cutover.problems.join("; ")}`,
    };
  const freeze = await rollbackWindow(req);
  if (freeze.refusal)
    return {
      outcome: "refused",
      message: freeze.refusal,
      checks: [{ check: "window", outcome: "failed", message: freeze.refusal }],
      refusal: `error: refused: ${freeze.refusal}; nothing was changed`,
    };
  if (freeze.note) sink.note(`${service}: ${freeze.note}`);
  const store = new ReleaseStore(cluster, namespace);
  const summaries = await store.summaries(service);
  const current = summaries.find((s) => s.status === "deployed");
  const target =
    req.to !== undefined
      ? summaries.find((s) => s.revision === req.to)
      : summaries.find(
          (s) => s.revision !== current?.revision && (s.status === "superseded" || s.status === "deployed"),
        );
  if (!target)
    throw new RollbackTargetMissing(
      req.to !== undefined
        ? `${service} has no revision ${req.to}`
        : `${service} has no earlier release to roll back to`,
      `see: slipway history ${service} --env ${env.name}`,
    );
  const lock = new DeployLock(cluster, namespace);
  await lock.acquire();
  try {
    const release = await store.get(service, target.revision);
    const currentRecord = current ? await store.get(service, current.revision) : undefined;
    // Migrations since that release may have dropped what it reads: prepare its statements first.
    const model = servicesIn(req.project, env.name, [service])[0];
    const checks: ReleaseRecord["checks"] = freeze.check ? [freeze.check] : [];
    const overrides: string[] = freeze.breakGlass ? [breakGlassLine(freeze.breakGlass)] : [];
    if (model?.spec.migrations) {
      const proof = await proveRollback(cluster, env, model, release, req.scratchDatabase);
      const by = await deployer(cluster);
      const recorded = release.statements?.queries.length
        ? `${proof.checked} recorded statement(s) of revision ${release.revision} (${release.statements.sources.join(" and ")})${proof.omitted ? `; ${proof.omitted} more over the record's cap were not kept, nor checked` : ""}`
        : `revision ${release.revision} recorded no statements (no queries file, and not superseded by a deploy that read pg_stat_statements): nothing to prepare`;
      const since = proof.appliedSince.length
        ? `migrations applied since: ${proof.appliedSince.join(", ")}`
        : "no migration applied since";
      if (proof.unavailable || proof.broken.length) {
        if (!req.allowBreaking) {
          const said = rollbackRefusal(service, release, proof);
          return {
            outcome: "refused",
            toRevision: release.revision,
            toVersion: release.version,
            message: said.replace(/^error: refused: /, ""),
            checks: [
              {
                check: "rollback/schema",
                outcome: "failed",
                message: proof.unavailable
                  ? `cannot run: ${proof.unavailable}`
                  : `${proof.broken.length} of ${proof.checked} recorded statement(s) do not prepare on the current schema`,
              },
            ],
            refusal: said,
          };
        }
        sink.warn(rollbackRefusal(service, release, proof).replace(/^error: refused: /, "warning: "));
        const said = `breaking rollback allowed by ${by}: ${req.allowBreaking.reason}`;
        overrides.push(said);
        checks.push({
          check: "rollback/schema",
          outcome: "allowed",
          message: `${proof.unavailable ? `cannot run: ${proof.unavailable}` : `${proof.broken.length} of ${recorded} do not prepare on the current schema: ${proof.broken.map((b) => `${oneLine(b.query)} (${b.message}${b.migration ? `; broken by ${b.migration}` : ""})`).join("; ")}`}; ${said}`,
        });
      } else {
        checks.push({
          check: "rollback/schema",
          outcome: "passed",
          message: `${release.statements?.queries.length ? `${recorded} prepare on the current schema` : recorded}; ${since}`,
        });
      }
      sink.note(`${service}: schema check: ${checks.at(-1)?.message ?? ""}`);
    }
    await removeUnfinishedCanary(cluster, store, release, req, sink);
    sink.note(`${service}: rolling back to revision ${release.revision} (${release.version})`);
    const outcome = await restoreRelease(
      cluster,
      release,
      {
        ...(req.search ? { search: req.search } : {}),
        ...(env.search?.indexPrefix ? { auditIndexPrefix: env.search.indexPrefix } : {}),
        timeoutMs: req.timeoutMs,
        ...(req.signal ? { signal: req.signal } : {}),
      },
      sink.events,
    );
    const revision = (summaries[0]?.revision ?? 0) + 1;
    const now = new Date().toISOString();
    if (outcome.successful && currentRecord) {
      const kept = new Set(release.objects.map(objectKey));
      for (const o of currentRecord.objects.filter((o) => !kept.has(objectKey(o))))
        await cluster.delete(o.kind ?? "", o.metadata?.name ?? "", namespace);
    }
    // The release gone back to may have broken glass itself: that was its deploy, not this one.
    const { breakGlass: _theirs, ...restored } = release;
    await store.create({
      ...restored,
      ...(freeze.breakGlass ? { breakGlass: freeze.breakGlass } : {}),
      revision,
      checks: [...release.checks, ...checks],
      overrides: [...(release.overrides ?? []).filter((o) => !o.startsWith("break-glass by ")), ...overrides],
      status: outcome.successful ? "deployed" : "failed",
      steps: [
        {
          step: "rollback",
          status: outcome.successful ? "done" : "failed",
          at: now,
          message: outcome.message,
        },
      ],
      deployedBy: await deployer(cluster),
      commit: currentCommit(process.cwd()),
      startedAt: now,
      finishedAt: new Date().toISOString(),
      description: `rollback to revision ${release.revision} (${release.version})`,
    });
    if (outcome.successful && currentRecord) await store.update({ ...currentRecord, status: "superseded" });
    return {
      outcome: outcome.successful ? "rolled-back" : "failed",
      toRevision: release.revision,
      toVersion: release.version,
      revision,
      message: outcome.message,
      checks,
      said: `${service}: ${outcome.successful ? "rolled back" : "ROLLBACK FAILED"} to revision ${release.revision} (${release.version}) as revision ${revision}: ${outcome.message}`,
    };
  } finally {
    await lock.release();
  }
}

/**
 * A canary whose deploy did not finish (killed while paused, say) is removed before a rollback:
 * going back leaves no pod of the new version behind the Service, and its release ends aborted,
 * so nothing waits for a decision about it any more.
 */
async function removeUnfinishedCanary(
  cluster: Cluster,
  store: ReleaseStore,
  target: ReleaseRecord,
  req: RollbackRequest,
  sink: RollbackSink,
): Promise<void> {
  const deployment = target.objects.find((o) => o.kind === "Deployment")?.metadata?.name;
  const namespace = target.objects[0]?.metadata?.namespace ?? "default";
  if (!deployment || !(await cluster.get("Deployment", canaryDeploymentName(deployment), namespace))) return;
  sink.note(`${target.service}: removing the canary of a deploy that did not finish`);
  await removeCanary(cluster, namespace, { service: target.service, deployment }, req.timeoutMs, req.signal);
  const pending = (await store.summaries(target.service)).find((s) => s.status === "pending");
  if (!pending) return;
  await endUnfinished(
    store,
    await store.get(target.service, pending.revision),
    "its canary removed by a rollback",
  );
}
