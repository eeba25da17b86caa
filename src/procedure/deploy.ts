import pLimit from "p-limit";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ProjectModel, ServiceModel } from "../definitions/model.ts";
import type { Plan, ServicePlan } from "../plan/plan.ts";
import { canaryLeftOut, CanaryWaiting } from "../canary/waiting.ts";
import { ReleaseStore } from "../release/store.ts";
import { DeployJournal } from "./deploy-journal.ts";
import type { DeployEventSink } from "./events.ts";
import { DeployLock } from "./lock.ts";
import { ensureNamespace } from "./namespace.ts";
import type { DeployOptions } from "./options.ts";
import { didNotDeploy, type DeployReport, type ServiceResult } from "./report.ts";
import { runService, type ServiceDeploy } from "./run-service.ts";

export type { DeployOptions } from "./options.ts";
export type { DeployReport, ServiceOutcome, ServiceResult } from "./report.ts";

/**
 * Executes a plan: under the environment's lock, each service through the procedure's steps
 * (src/procedure/steps), in dependency order with independent ones in parallel, then the
 * objects of services no longer defined are pruned.
 */
export class Deploy {
  constructor(
    private readonly cluster: Cluster,
    private readonly emit: DeployEventSink,
  ) {}

  async run(
    project: ProjectModel,
    env: EnvironmentModel,
    plan: Plan,
    options: DeployOptions,
  ): Promise<DeployReport> {
    const namespace = env.cluster.namespace;
    const lock = new DeployLock(this.cluster, namespace, {
      ...(options.leaseSeconds ? { leaseSeconds: options.leaseSeconds } : {}),
    });
    if (!options.dryRun) {
      await ensureNamespace(this.cluster, namespace);
      const taken = await lock.acquire({
        wait: options.waitForLock,
        ...(options.signal ? { signal: options.signal } : {}),
        onWait: ({ holder, since, expiresInSeconds, message }) =>
          this.emit({ type: "lock-wait", holder, since, expiresInSeconds, message }),
      });
      if (taken.tookOverFrom) this.emit({ type: "lock-taken-over", from: taken.tookOverFrom });
      if (options.breakGlass) {
        // The event carries its own time (when it is told); the record keeps when the plan checked.
        const { at: _checked, ...breakGlass } = options.breakGlass;
        this.emit({ type: "break-glass", environment: env.name, ...breakGlass });
      }
    }
    // The journal others follow this deploy by (status --deploy, the dashboard); none for a dry run.
    const journal =
      options.dryRun || !plan.changed
        ? undefined
        : new DeployJournal(this.cluster, namespace, () => lock.ensureHeld());
    try {
      const history = options.dryRun ? [] : await new ReleaseStore(this.cluster, namespace).summaries();
      // Another service's canary waits half-way: only its own deploy (or a person) may end it.
      const waiting = canaryLeftOut(
        history,
        new Set(plan.services.filter((s) => s.changed).map((s) => s.service)),
      );
      if (waiting) throw new CanaryWaiting(env.name, waiting);
      if (journal)
        await journal.begin({
          project,
          env,
          plan,
          holder: lock.holderIdentity,
          only: options.only,
          by: options.deployedBy,
          commit: options.commit,
          history,
        });
      // Losing the lock stops work in flight, and every write first checks that it is still held.
      const signal = options.dryRun
        ? options.signal
        : AbortSignal.any([lock.lost, ...(options.signal ? [options.signal] : [])]);
      const deploy: ServiceDeploy = {
        cluster: this.cluster,
        project: project.name,
        env,
        store: new ReleaseStore(this.cluster, namespace),
        options: { ...options, ...(signal ? { signal } : {}) },
        emit: this.emit,
        guard: options.dryRun ? async () => undefined : () => lock.ensureHeld(),
      };
      const services = await this.inDependencyOrder(
        project,
        env,
        plan,
        options.parallel,
        (service, p) => runService(deploy, service, p),
        async (result, blockedBy) => journal?.finished(result, blockedBy),
      );
      if (!options.dryRun && plan.orphans.length) {
        await lock.ensureHeld();
        for (const o of plan.orphans) await this.cluster.delete(o.kind, o.name, namespace);
        this.emit({ type: "orphans-pruned", objects: plan.orphans.map((o) => `${o.kind}/${o.name}`) });
      }
      const ok = services.every(
        (s) => s.outcome === "deployed" || s.outcome === "unchanged" || s.outcome === "dry-run",
      );
      // Not reached when the deploy stops on an error: its journal stays "running", and once
      // the lock is gone a reader shows it interrupted, to be resumed by running it again.
      await journal?.end(ok);
      return { ok, services };
    } finally {
      if (!options.dryRun) await lock.release().catch(() => undefined);
    }
  }

  /** Each service once its dependencies are done, `parallel` at a time; a failed one holds back its dependents. */
  private async inDependencyOrder(
    project: ProjectModel,
    env: EnvironmentModel,
    plan: Plan,
    parallel: number,
    deployOne: (service: ServiceModel, plan: ServicePlan) => Promise<ServiceResult>,
    recordFinished: (result: ServiceResult, blockedBy: readonly string[]) => Promise<void>,
  ): Promise<ServiceResult[]> {
    const limit = pLimit(parallel);
    const plans = new Map(plan.services.map((p) => [p.service, p]));
    const results = new Map<string, Promise<ServiceResult>>();
    const start = (p: ServicePlan): Promise<ServiceResult> => {
      const known = results.get(p.service);
      if (known) return known;
      const result = (async (): Promise<ServiceResult> => {
        const deps = await Promise.all(
          p.dependsOn.flatMap((d) => {
            const dep = plans.get(d);
            return dep ? [start(dep)] : [];
          }),
        );
        const broken = deps.filter(didNotDeploy);
        const finished = broken.length
          ? {
              service: p.service,
              outcome: "skipped" as const,
              message: `not deployed: ${broken.map((b) => b.service).join(", ")} did not deploy`,
            }
          : await limit(() => deployOne(withShippedMigrations(serviceNamed(project, env, p.service), p), p));
        await recordFinished(
          finished,
          broken.map((b) => b.service),
        );
        this.emit({ type: "service-finished", result: finished });
        return finished;
      })();
      results.set(p.service, result);
      return result;
    };
    return Promise.all(plan.services.map(start));
  }
}

/** Migrations that ship in the image are the files the plan read from the digest it pins. */
function withShippedMigrations(service: ServiceModel, plan: ServicePlan): ServiceModel {
  return plan.shippedMigrations ? { ...service, migrations: plan.shippedMigrations.files } : service;
}

function serviceNamed(project: ProjectModel, env: EnvironmentModel, name: string): ServiceModel {
  const service = project.services.get(env.name)?.find((s) => s.spec.name === name);
  if (!service) throw new Error(`internal: ${name} is not defined in ${env.name}`);
  return service;
}
