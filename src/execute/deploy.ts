import type { KubernetesObject } from "@kubernetes/client-node";
import { applyAuditCall } from "../audit/apply.ts";
import { describeAuditCall } from "../audit/plan.ts";
import { syncAuditIndices } from "../audit/sync.ts";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { SearchClient } from "../clients/search/client.ts";
import type { EnvironmentModel, ProjectModel, ServiceModel } from "../definitions/model.ts";
import { objectKey } from "../plan/live-state.ts";
import type { Plan, ServicePlan } from "../plan/plan.ts";
import type { ReleaseRecord } from "../release/record.ts";
import { ReleaseStore } from "../release/store.ts";
import { hashObjects } from "../release/hash.ts";
import { renderServiceObjects } from "../render/render.ts";
import { labelSafe } from "../render/labels.ts";
import { applyAll } from "./apply-objects.ts";
import { ensureNamespace } from "./namespace.ts";
import { runServiceMigrations } from "../migrations/run.ts";
import { flywayChecksum } from "../migrations/checksum.ts";
import { lintMigrations } from "../checks/migrations/lint.ts";
import { blocking, formatFinding, type MigrationFinding } from "../checks/migrations/finding.ts";
import {
  liveQueries,
  ProofUnavailable,
  proveQueries,
  splitStatements,
} from "../checks/migrations/dynamic-proof.ts";
import { databaseUrl } from "../migrations/database-url.ts";
import { DeployLock, type LockHeld } from "./lock.ts";
import { waitForRollout, type RolloutProgress } from "./wait-rollout.ts";

export type ServiceOutcome = "deployed" | "unchanged" | "failed" | "rolled-back" | "skipped" | "dry-run";

export interface ServiceResult {
  readonly service: string;
  readonly outcome: ServiceOutcome;
  readonly revision?: number;
  readonly message: string;
}

export interface DeployReport {
  readonly ok: boolean;
  readonly services: readonly ServiceResult[];
}

/** What the executor tells the user as it goes; the CLI prints it, tests may collect it. */
export interface DeployEvents {
  note(service: string, message: string): void;
  progress(progress: RolloutProgress & { elapsedMs: number }): void;
  lockWait?(held: LockHeld): void;
}

export interface DeployOptions {
  readonly only: readonly string[];
  readonly dryRun: boolean;
  /** Take over fields other managers own. */
  readonly forceConflicts: boolean;
  /** Roll back by itself when a rollout fails. */
  readonly rollback: boolean;
  readonly timeoutMs: number;
  /** Services deployed at once, among those whose dependencies are done. */
  readonly parallel: number;
  readonly waitForLock: boolean;
  readonly leaseSeconds?: number;
  readonly deployedBy: string;
  readonly commit: string;
  readonly digests?: ReadonlyMap<string, string>;
  /** Deploy despite migration-check errors; the reason is recorded in the release. */
  readonly allowBreakingMigrations?: { readonly reason: string };
  /**
   * How long pg_stat_statements must have watched the running version before "no live query
   * touches it" is evidence enough to let a drop through. Default 24 h.
   */
  readonly evidenceWindowMs?: number;
  /** Where the dynamic proof copies the live schema: embedded PGlite (default) or the live server. */
  readonly scratchDatabase?: "pglite" | "server";
  readonly signal?: AbortSignal;
  /** --skip-ci-check: the reason goes into the record's description, shown by status and history. */
  readonly skippedCi?: { readonly reason: string };
  /** The environment's search server: required when a planned service's audit index must change. */
  readonly search?: SearchClient;
  /** The environment's `search.indexPrefix`, for rollbacks that restore an audit index. */
  readonly auditIndexPrefix?: string;
}

/**
 * Executes a plan: under the environment's lock, each service in dependency order (independent
 * ones in parallel), apply → wait → prune → record, with a journal in the release record so a
 * killed deploy resumes, and a rollback to the previous release when a rollout fails.
 */
export class Deploy {
  constructor(
    private readonly cluster: Cluster,
    private readonly events: DeployEvents,
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
        onWait: (held) => this.events.lockWait?.(held),
      });
      if (taken.tookOverFrom)
        this.events.note(
          "lock",
          `took over the lock from ${taken.tookOverFrom}: its lease expired or its process is gone`,
        );
    }
    try {
      const store = new ReleaseStore(this.cluster, namespace);
      const results = new Map<string, Promise<ServiceResult>>();
      const plans = new Map(plan.services.map((p) => [p.service, p]));
      let running = 0;
      const queue: (() => void)[] = [];
      const slot = async <T>(work: () => Promise<T>): Promise<T> => {
        if (running >= options.parallel) await new Promise<void>((r) => queue.push(r));
        running++;
        try {
          return await work();
        } finally {
          running--;
          queue.shift()?.();
        }
      };
      const start = (p: ServicePlan): Promise<ServiceResult> => {
        let result = results.get(p.service);
        if (!result) {
          result = (async () => {
            const deps = await Promise.all(
              p.dependsOn.filter((d) => plans.has(d)).map((d) => start(plans.get(d) as ServicePlan)),
            );
            const broken = deps.filter(
              (d) => d.outcome === "failed" || d.outcome === "rolled-back" || d.outcome === "skipped",
            );
            if (broken.length)
              return {
                service: p.service,
                outcome: "skipped" as const,
                message: `not deployed: ${broken.map((b) => b.service).join(", ")} did not deploy`,
              };
            return slot(() => this.deployService(project, env, p, store, options));
          })();
          results.set(p.service, result);
        }
        return result;
      };
      const services = await Promise.all(plan.services.map(start));
      if (!options.dryRun && plan.orphans.length) {
        for (const o of plan.orphans) await this.cluster.delete(o.kind, o.name, namespace);
        this.events.note("prune", `deleted ${plan.orphans.length} object(s) of services no longer defined`);
      }
      return {
        ok: services.every(
          (s) => s.outcome === "deployed" || s.outcome === "unchanged" || s.outcome === "dry-run",
        ),
        services,
      };
    } finally {
      if (!options.dryRun) await lock.release().catch(() => undefined);
    }
  }

  private async deployService(
    project: ProjectModel,
    env: EnvironmentModel,
    plan: ServicePlan,
    store: ReleaseStore,
    options: DeployOptions,
  ): Promise<ServiceResult> {
    const service = project.services.get(env.name)?.find((s) => s.spec.name === plan.service);
    if (!service) throw new Error(`internal: ${plan.service} is not defined in ${env.name}`);
    const namespace = env.cluster.namespace;
    const note = (message: string): void => this.events.note(plan.service, message);
    const desired = renderServiceObjects(
      project.name,
      env,
      service,
      options.digests ? { digests: options.digests } : {},
    );
    const toApply = plan.objects
      .filter((o) => o.action === "create" || o.action === "update")
      .map((o) => o.desired as KubernetesObject);
    const toPrune = plan.objects.filter((o) => o.action === "prune");

    if (options.dryRun) {
      for (const a of plan.audit.filter((a) => a.change !== "none"))
        note(`audit index (not changed in a dry run): ${describeAuditCall(a)}`);
      if (service.spec.migrations) {
        const listed = await runServiceMigrations(this.cluster, env, service, {
          project: project.name,
          dryRun: true,
          runId: "dryrun",
          timeoutMs: options.timeoutMs,
        });
        note(`migrations (${listed.mode}): ${listed.message}`);
      }
      await applyAll(this.cluster, toApply, {
        force: options.forceConflicts,
        dryRun: true,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      for (const o of toPrune) await this.cluster.delete(o.kind, o.name, namespace, true);
      return {
        service: plan.service,
        outcome: "dry-run",
        message: `server accepted ${toApply.length} object(s) and ${toPrune.length} deletion(s) in a dry run`,
      };
    }

    // The plan read the release summaries: an unchanged service costs no further request.
    if (!plan.changed) {
      const failed = await this.updateAuditIndex(plan, options, note);
      if (failed) return { service: plan.service, outcome: "failed", message: failed };
      const updated = plan.audit.some((a) => a.change !== "none");
      return {
        service: plan.service,
        outcome: "unchanged",
        message: updated ? "no changes but its audit index, now updated" : "no changes",
      };
    }
    // Read again under the lock (the plan was made before it): one LIST serves all three questions.
    const history = await store.summaries(plan.service);
    const recordWith = (status: "pending" | "deployed"): Promise<ReleaseRecord | undefined> => {
      const summary = history.find((h) => h.status === status);
      return summary ? store.get(plan.service, summary.revision) : Promise.resolve(undefined);
    };
    const pending = await recordWith("pending");
    const previous = await recordWith("deployed");
    const hash = hashObjects(desired);

    let record: ReleaseRecord;
    if (pending && pending.objectsHash === hash) {
      record = pending;
      note(
        `resuming revision ${record.revision}, interrupted after: ${record.steps.map((s) => s.step).join(", ") || "nothing"}`,
      );
    } else {
      if (pending) {
        pending.status = "failed";
        pending.finishedAt = new Date().toISOString();
        pending.description += " (interrupted; superseded by a newer deploy)";
        await store.update(pending);
      }
      record = {
        service: plan.service,
        environment: env.name,
        revision: (history[0]?.revision ?? 0) + 1,
        version: service.spec.version,
        digests: Object.fromEntries(
          options.digests?.has(plan.service)
            ? [[plan.service, options.digests.get(plan.service) as string]]
            : [],
        ),
        status: "pending",
        objects: desired,
        objectsHash: hash,
        calls: service.calls,
        // What the gate found before the deploy: the record says it was built and tested.
        checks: (plan.gate?.checks ?? []).map((c) => ({
          check: `gate/${c.check}`,
          outcome: c.outcome,
          message: [c.summary, ...c.problems].join("; "),
        })),
        migrations: service.migrations.map((m) => ({ name: m.name, checksum: flywayChecksum(m.sql) })),
        steps: [],
        deployedBy: options.deployedBy,
        commit: options.commit,
        startedAt: new Date().toISOString(),
        description: `deploy ${service.spec.version}${options.skippedCi ? ` (CI check skipped by ${options.deployedBy}: ${options.skippedCi.reason})` : ""}`,
        overrides: options.skippedCi
          ? [`CI check skipped by ${options.deployedBy}: ${options.skippedCi.reason}`]
          : [],
      };
      await store.create(record);
    }
    const done = (step: string): boolean => record.steps.some((s) => s.step === step && s.status === "done");
    const mark = async (step: string, status: "done" | "failed", message?: string): Promise<void> => {
      record.steps.push({ step, status, at: new Date().toISOString(), ...(message ? { message } : {}) });
      await store.update(record);
    };

    // The running version must survive the pending migrations: checked before any of them runs.
    if (service.spec.migrations && !done("check-migrations")) {
      let pendingNames: readonly string[];
      if (service.spec.migrations.mode === "job") {
        const shipped = new Set((previous?.migrations ?? []).map((m) => m.name));
        pendingNames = service.migrations.filter((m) => !shipped.has(m.name)).map((m) => m.name);
      } else {
        try {
          pendingNames = (
            await runServiceMigrations(this.cluster, env, service, {
              project: project.name,
              dryRun: true,
              runId: "check",
              timeoutMs: options.timeoutMs,
            })
          ).pending;
        } catch (error) {
          return this.stopBeforeRollout(
            record,
            store,
            "check-migrations",
            `migrations cannot be checked: ${(error as Error).message}`,
          );
        }
      }
      const pendingSet = new Set(pendingNames);
      const pendingSources = service.migrations
        .filter((m) => pendingSet.has(m.name))
        .map((m) => ({ name: m.name, sql: m.sql }));
      let findings: MigrationFinding[] = await lintMigrations(
        pendingSources,
        service.migrations
          .filter((m) => !pendingSet.has(m.name) && m.kind === "versioned")
          .map((m) => ({ name: m.name, sql: m.sql })),
      );
      if (pendingSources.length) {
        findings = await this.proveWithLiveQueries(
          env,
          service,
          pendingSources,
          findings,
          record,
          options,
          note,
        );
      }
      for (const f of findings)
        record.checks.push({
          check: `migrations/${f.rule}`,
          outcome: f.suppressed ? "suppressed" : f.severity,
          message: formatFinding(f),
        });
      const errors = findings.filter(blocking);
      for (const f of findings) note(formatFinding(f).replace(/\n/g, "\n    "));
      if (errors.length && !options.allowBreakingMigrations) {
        return this.stopBeforeRollout(
          record,
          store,
          "check-migrations",
          `migration check refused ${errors.length} breaking change(s): ${errors.map((f) => `${f.file}:${f.line} ${f.rule}`).join(", ")} (see the fixes above; --allow-breaking-migrations --reason "..." overrides)`,
        );
      }
      if (errors.length && options.allowBreakingMigrations) {
        record.overrides = [
          ...(record.overrides ?? []),
          `breaking migrations allowed by ${options.deployedBy}: ${options.allowBreakingMigrations.reason}`,
        ];
        record.checks.push({
          check: "migrations/override",
          outcome: "allowed",
          message: `${errors.length} breaking change(s) allowed by ${options.deployedBy}: ${options.allowBreakingMigrations.reason}`,
        });
        note(
          `allowing ${errors.length} breaking migration change(s): ${options.allowBreakingMigrations.reason}`,
        );
      }
      await mark("check-migrations", "done", `${findings.length} finding(s), ${errors.length} blocking`);
    }

    // Migrations run and are seen to finish before anything of the new version rolls out.
    if (service.spec.migrations && !done("migrate")) {
      try {
        const ran = await runServiceMigrations(this.cluster, env, service, {
          project: project.name,
          dryRun: false,
          runId: `r${record.revision}`,
          timeoutMs: options.timeoutMs,
          onProgress: (message) =>
            this.events.progress({
              service: plan.service,
              ready: 0,
              desired: 0,
              message: `migrating: ${message}`,
              elapsedMs: 0,
            }),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        await mark("migrate", "done", ran.message);
        note(`migrations (${ran.mode}): ${ran.message}`);
      } catch (error) {
        return this.stopBeforeRollout(
          record,
          store,
          "migrate",
          `migrations failed: ${(error as Error).message}`,
        );
      }
    }

    // A call's audit index takes the new request type before the new version can write to it.
    if (plan.audit.some((a) => a.change !== "none") && !done("audit-index")) {
      const failed = await this.updateAuditIndex(plan, options, note, record);
      if (failed) return this.stopBeforeRollout(record, store, "audit-index", failed);
      await mark("audit-index", "done", plan.audit.map(describeAuditCall).join("; "));
    }

    const since = new Date();
    try {
      if (!done("apply")) {
        await applyAll(this.cluster, toApply, {
          force: options.forceConflicts,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        await mark("apply", "done", `${toApply.length} object(s)`);
        note(`applied ${toApply.length} object(s)`);
      }
    } catch (error) {
      await mark("apply", "failed", (error as Error).message);
      return this.fail(record, store, previous, options, `apply failed: ${(error as Error).message}`);
    }

    const deployment = desired.find((o) => o.kind === "Deployment");
    if (deployment && !done("wait")) {
      const started = Date.now();
      const verdict = await waitForRollout(this.cluster, {
        namespace,
        service: plan.service,
        deployment: deployment.metadata?.name ?? plan.service,
        since,
        version: labelSafe(service.spec.version),
        timeoutMs: options.timeoutMs,
        onProgress: (p) => this.events.progress({ ...p, elapsedMs: Date.now() - started }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!verdict.successful) {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error("interrupted");
        await mark("wait", "failed", verdict.message);
        return this.fail(record, store, previous, options, `rollout failed: ${verdict.message}`);
      }
      await mark("wait", "done", verdict.message);
      note(`rolled out: ${verdict.message}`);
    }

    if (!done("prune")) {
      const keep = new Set(desired.map(objectKey));
      const fromInventory = (previous?.objects ?? [])
        .filter((o) => !keep.has(objectKey(o)))
        .map((o) => ({ kind: o.kind ?? "", name: o.metadata?.name ?? "" }));
      const targets = new Map([...toPrune, ...fromInventory].map((o) => [`${o.kind}/${o.name}`, o]));
      for (const o of targets.values()) await this.deleteIfManaged(o.kind, o.name, namespace);
      await mark("prune", "done", `${targets.size} object(s)`);
      if (targets.size) note(`pruned ${[...targets.keys()].join(", ")}`);
    }

    record.status = "deployed";
    record.finishedAt = new Date().toISOString();
    await store.update(record);
    if (previous && previous.revision !== record.revision) {
      previous.status = "superseded";
      await store.update(previous);
    }
    await store.trim(plan.service);
    return {
      service: plan.service,
      outcome: "deployed",
      revision: record.revision,
      message: `revision ${record.revision}: ${service.spec.version}`,
    };
  }

  /**
   * The dynamic proof: the running version's real queries, PREPAREd on a scratch copy of the
   * live schema after each pending migration. A broken query is an error; a static drop error
   * that no live query notices, with enough traffic observed, goes through with that evidence.
   */
  private async proveWithLiveQueries(
    env: EnvironmentModel,
    service: ServiceModel,
    pending: readonly { name: string; sql: string }[],
    findings: MigrationFinding[],
    record: ReleaseRecord,
    options: DeployOptions,
    note: (message: string) => void,
  ): Promise<MigrationFinding[]> {
    try {
      const spec = service.spec.migrations;
      const url = await databaseUrl(this.cluster, env, spec?.database ?? "");
      const live = await liveQueries(url, spec?.role);
      const shipped = service.queryFile ? await splitStatements(service.queryFile) : [];
      const proof = await proveQueries(
        url,
        pending,
        [...new Set([...live.queries, ...shipped])],
        options.scratchDatabase ?? "pglite",
      );
      const proofFindings: MigrationFinding[] = proof.broken.map((b) => ({
        rule: "dynamic-proof",
        severity: "error",
        file: b.migration,
        line: 1,
        column: 1,
        message: `a query the running version runs no longer prepares after it: ${b.query.replace(/\s+/g, " ")} (Postgres: ${b.message})`,
        hint: "keep what this query uses until a version that no longer runs it is live (expand/contract)",
      }));
      if (proof.failedMigration) {
        proofFindings.push({
          rule: "dynamic-proof",
          severity: "error",
          file: proof.failedMigration.name,
          line: proof.failedMigration.line,
          column: proof.failedMigration.column,
          message: `fails on a copy of the live schema: ${proof.failedMigration.message}`,
          hint: "fix the migration; nothing was run on the live database",
        });
      }
      const window = options.evidenceWindowMs ?? 24 * 3_600_000;
      const covered = live.since ? Date.now() - live.since.getTime() : 0;
      const brokenBy = new Set(proof.broken.map((b) => b.migration));
      const dropLike = new Set([
        "ban-drop-column",
        "ban-drop-table",
        "ban-drop-view",
        "renaming-column",
        "renaming-table",
      ]);
      const evidence = `no query of the running version touches it: ${proof.checked} live queries from pg_stat_statements since ${live.since?.toISOString() ?? "?"} prepare on the migrated schema`;
      const judged = findings.map((f) =>
        f.severity === "error" &&
        dropLike.has(f.rule) &&
        !brokenBy.has(f.file) &&
        !proof.failedMigration &&
        proof.checked > 0 &&
        covered >= window
          ? { ...f, severity: "warning" as const, message: `${f.message}; not blocking: ${evidence}` }
          : f,
      );
      note(
        `dynamic proof: ${proof.checked} live queries prepared against the migrated schema, ${proof.broken.length} broken`,
      );
      record.checks.push({
        check: "migrations/dynamic-proof",
        outcome: proof.broken.length || proof.failedMigration ? "error" : "passed",
        message: `${proof.checked} queries checked, ${proof.broken.length} broken`,
      });
      return [...judged, ...proofFindings];
    } catch (error) {
      if (!(error instanceof ProofUnavailable)) throw error;
      note(`dynamic proof skipped: ${error.message}`);
      record.checks.push({ check: "migrations/dynamic-proof", outcome: "skipped", message: error.message });
      return findings;
    }
  }

  /**
   * Updates the audit index of each audited call the plan says must change, and verifies it.
   * Returns why it failed, or undefined. The plan is rebuilt from the server on every run, so
   * a failure halfway converges on the next deploy.
   */
  private async updateAuditIndex(
    plan: ServicePlan,
    options: DeployOptions,
    note: (message: string) => void,
    record?: ReleaseRecord,
  ): Promise<string | undefined> {
    const changes = plan.audit.filter((a) => a.change !== "none");
    if (changes.length === 0) return undefined;
    if (!options.search) return "its audit index must change, but the environment names no search server";
    for (const change of changes) {
      try {
        const result = await applyAuditCall(options.search, change);
        note(
          `audit index ${change.call}: ${result.message}; verified ${result.writeIndex} (template v${result.templateVersion})`,
        );
        record?.checks.push({
          check: `audit-index/${change.call}`,
          outcome: "passed",
          message: `${change.change}: ${result.message}`,
        });
      } catch (error) {
        return `audit index of ${change.call} could not be updated: ${(error as Error).message}`;
      }
    }
    return undefined;
  }

  /** Ends a service's deploy before anything rolled out: the record says which step refused and why. */
  private async stopBeforeRollout(
    record: ReleaseRecord,
    store: ReleaseStore,
    step: string,
    reason: string,
  ): Promise<ServiceResult> {
    record.steps.push({ step, status: "failed", at: new Date().toISOString(), message: reason });
    record.status = "failed";
    record.finishedAt = new Date().toISOString();
    record.description += ` (${step} failed; nothing rolled out)`;
    await store.update(record);
    this.events.note(record.service, reason);
    return {
      service: record.service,
      outcome: "failed",
      revision: record.revision,
      message: `${reason}; nothing rolled out`,
    };
  }

  /** Deletes an object only if it still carries Slipway's label: nothing else is ever touched. */
  private async deleteIfManaged(kind: string, name: string, namespace: string): Promise<void> {
    const live = await this.cluster.get(kind, name, namespace);
    if (live?.metadata?.labels?.["app.kubernetes.io/managed-by"] === "slipway")
      await this.cluster.delete(kind, name, namespace);
  }

  private async fail(
    record: ReleaseRecord,
    store: ReleaseStore,
    previous: ReleaseRecord | undefined,
    options: DeployOptions,
    reason: string,
  ): Promise<ServiceResult> {
    const note = (message: string): void => this.events.note(record.service, message);
    note(reason);
    record.status = "failed";
    record.finishedAt = new Date().toISOString();
    if (!options.rollback || !previous) {
      record.description += options.rollback
        ? " (failed; no earlier release to roll back to)"
        : " (failed; left for inspection: --no-rollback)";
      await store.update(record);
      return {
        service: record.service,
        outcome: "failed",
        revision: record.revision,
        message: `${reason}; ${options.rollback ? "no earlier release to roll back to" : "not rolled back (--no-rollback)"}`,
      };
    }
    note(`rolling back to revision ${previous.revision} (${previous.version})`);
    const outcome = await this.restore(previous, options);
    if (outcome.successful) {
      const kept = new Set(previous.objects.map(objectKey));
      for (const o of record.objects.filter((o) => !kept.has(objectKey(o)))) {
        await this.deleteIfManaged(o.kind ?? "", o.metadata?.name ?? "", o.metadata?.namespace ?? "default");
      }
    }
    record.rollback = {
      toRevision: previous.revision,
      outcome: outcome.successful ? "succeeded" : "failed",
      message: outcome.message,
    };
    await store.update(record);
    note(
      outcome.successful
        ? `rolled back to revision ${previous.revision}: ${outcome.message}`
        : `ROLLBACK FAILED: ${outcome.message}`,
    );
    return {
      service: record.service,
      outcome: outcome.successful ? "rolled-back" : "failed",
      revision: record.revision,
      message: `${reason}; ${outcome.successful ? `rolled back to revision ${previous.revision} (${previous.version})` : `rollback to revision ${previous.revision} failed: ${outcome.message}`}`,
    };
  }

  /** Re-applies a release's objects (taking fields back), waits for them, removes what it did not have. */
  async restore(
    release: ReleaseRecord,
    options: Pick<DeployOptions, "timeoutMs" | "signal" | "search" | "auditIndexPrefix">,
  ): Promise<{ successful: boolean; message: string }> {
    const namespace = release.objects[0]?.metadata?.namespace ?? "default";
    try {
      await applyAll(this.cluster, release.objects, {
        force: true,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      return { successful: false, message: (error as Error).message };
    }
    const deployment = release.objects.find((o) => o.kind === "Deployment");
    if (deployment) {
      const verdict = await waitForRollout(this.cluster, {
        namespace,
        service: release.service,
        deployment: deployment.metadata?.name ?? release.service,
        since: new Date(),
        version: labelSafe(release.version),
        timeoutMs: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!verdict.successful) return { successful: false, message: verdict.message };
      return { successful: true, message: await this.restoreAuditIndices(release, options, verdict.message) };
    }
    return { successful: true, message: await this.restoreAuditIndices(release, options, "applied") };
  }

  /** The restored version writes its own request types: its calls' audit indices follow it back. */
  private async restoreAuditIndices(
    release: ReleaseRecord,
    options: Pick<DeployOptions, "search" | "auditIndexPrefix">,
    message: string,
  ): Promise<string> {
    if (!options.search || !release.calls.some((c) => c.audited)) return message;
    try {
      const changed = await syncAuditIndices(
        options.search,
        release.service,
        release.calls,
        options.auditIndexPrefix,
      );
      for (const c of changed) this.events.note(release.service, `audit index ${c}`);
      return message;
    } catch (error) {
      // The workloads are back; an index left ahead is reported, not fatal: old documents still land.
      this.events.note(release.service, `audit index not restored: ${(error as Error).message}`);
      return `${message}; audit index not restored: ${(error as Error).message}`;
    }
  }
}
