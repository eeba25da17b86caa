import type { SearchClient } from "../clients/search/client.ts";
import type { EnvironmentModel, ProjectModel } from "../definitions/model.ts";
import type { Plan } from "../plan/plan.ts";
import { currentCommit } from "../procedure/identity.ts";
import type { DeployOptions } from "../procedure/options.ts";

/** What a caller chooses about a deploy; what it leaves out gets `slipway deploy`'s default. */
export type DeployChoices = Partial<
  Pick<
    DeployOptions,
    | "dryRun"
    | "forceConflicts"
    | "rollback"
    | "timeoutMs"
    | "parallel"
    | "waitForLock"
    | "leaseSeconds"
    | "evidenceWindowMs"
    | "scratchDatabase"
    | "signal"
    | "allowBreakingMigrations"
    | "skippedCi"
    | "skipDynamicProof"
    | "skipAuditIndex"
    | "promotion"
  >
>;

/**
 * The procedure's options for deploying `plan`: what the plan decided (the digests it
 * rendered, a break-glass it allowed), what the environment says (its search server and audit
 * index prefix), the commit, and the caller's choices over `slipway deploy`'s defaults (5 min
 * rollout timeout, automatic rollback, 4 at once, no waiting for the lock, 24 h evidence
 * window, PGlite scratch database). One place, so `deploy`, `approve` and the dashboard's
 * approval run the same procedure.
 */
export function deployOptionsFor(args: {
  readonly target: {
    readonly project: ProjectModel;
    readonly env: EnvironmentModel;
    readonly search?: SearchClient;
  };
  readonly plan: Plan;
  /** The services named (none: all the plan covers). */
  readonly only: readonly string[];
  readonly deployedBy: string;
  readonly choices?: DeployChoices;
}): DeployOptions {
  const { target, plan, choices = {} } = args;
  const dryRun = choices.dryRun ?? false;
  return {
    ...choices,
    only: args.only,
    dryRun,
    forceConflicts: choices.forceConflicts ?? false,
    rollback: choices.rollback ?? true,
    timeoutMs: choices.timeoutMs ?? 5 * 60_000,
    parallel: choices.parallel ?? 4,
    waitForLock: choices.waitForLock ?? false,
    deployedBy: args.deployedBy,
    commit: currentCommit(target.project.root),
    evidenceWindowMs: choices.evidenceWindowMs ?? 24 * 3_600_000,
    scratchDatabase: choices.scratchDatabase ?? "pglite",
    ...(target.search ? { search: target.search } : {}),
    ...(target.env.search?.indexPrefix ? { auditIndexPrefix: target.env.search.indexPrefix } : {}),
    // The images the plan's checks were made on, pinned: a tag pushed again meanwhile is not deployed.
    digests: new Map(plan.services.flatMap((s) => (s.gate?.digest ? [[s.service, s.gate.digest]] : []))),
    // A dry run breaks no glass: nothing is recorded or announced.
    ...(plan.breakGlass && !dryRun ? { breakGlass: plan.breakGlass } : {}),
  };
}
