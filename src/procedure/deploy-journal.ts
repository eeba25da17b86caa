import { randomBytes } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { configMapWithJson, jsonInConfigMap } from "../clients/kubernetes/json-config-map.ts";
import type { EnvironmentModel, ProjectModel } from "../definitions/model.ts";
import type { Plan } from "../plan/plan.ts";
import type { ReleaseSummary } from "../release/record.ts";
import { stepsFor } from "./plan-steps.ts";
import type { ServiceOutcome, ServiceResult } from "./report.ts";
import type { StepName } from "./step.ts";
import { sleep } from "../util/sleep.ts";

/** One service of a deploy, as planned when the deploy began, and how it ended. */
export interface JournalService {
  readonly service: string;
  readonly dependsOn: readonly string[];
  /** The procedure's steps this deploy runs for it, in order (none when its objects are unchanged). */
  readonly steps: readonly StepName[];
  readonly version: string;
  /** The release it records into: a resumed pending one, or the next revision. */
  readonly revision?: number;
  /** The hash of its planned objects: the pending release of the same hash is this deploy's. */
  readonly objectsHash: string;
  finished?: {
    readonly outcome: ServiceOutcome;
    readonly message: string;
    readonly at: string;
    readonly revision?: number;
    readonly failedStep?: StepName;
    /** Skipped: the dependencies that did not deploy. */
    readonly blockedBy?: readonly string[];
  };
}

/** The current (or last) deploy of an environment: who, when, which services, how each ended. */
export interface DeployJournalRecord {
  readonly id: string;
  /** The deploy lock's holder identity while it runs: a Lease held by another is not this deploy. */
  readonly holder: string;
  readonly project: string;
  readonly environment: string;
  /** The services the command named (none: all): what a re-run names to resume it. */
  readonly only: readonly string[];
  readonly by: string;
  readonly commit: string;
  readonly startedAt: string;
  finishedAt?: string;
  /** "running" until it ends; a journal left "running" by a process that died is an interrupted deploy. */
  status: "running" | "done" | "failed";
  readonly services: JournalService[];
}

export const deployJournalName = "slipway.deploy";
const dataKey = "deploy.json";
/**
 * Labelled managed-by=slipway (so `import` leaves it out) but without part-of and environment:
 * plans, drift and prune select by those, so it is never pruned or shown as drift.
 */
const labels = { "app.kubernetes.io/managed-by": "slipway", "slipway.dev/record": "deploy" } as const;

/** Selects the journal's ConfigMap, for a reader that lists or watches it. */
export const deployJournalSelector = "slipway.dev/record=deploy";

/** Reads the journal from its ConfigMap, as a reader (status, the dashboard) already holds it. */
export function journalOf(configMap: KubernetesObject | undefined): DeployJournalRecord | undefined {
  return jsonInConfigMap<DeployJournalRecord>(configMap, dataKey);
}

export async function readDeployJournal(
  cluster: Cluster,
  namespace: string,
): Promise<DeployJournalRecord | undefined> {
  return journalOf(await cluster.get("ConfigMap", deployJournalName, namespace));
}

/** The revision a service's deploy records into, the way beginRelease chooses it. */
function plannedRevision(history: readonly ReleaseSummary[], objectsHash: string): number {
  const pending = history.find((h) => h.status === "pending");
  if (pending && pending.objectsHash === objectsHash) return pending.revision;
  return (history[0]?.revision ?? 0) + 1;
}

/**
 * Each write carries every service, so the writes of a large deploy are spaced apart, this long
 * per service and at most a second: what changes meanwhile goes with the next write. Written
 * once per finishing service, a thousand services wrote a thousand journals of 300 KB each.
 */
const spacingPerServiceMs = 2;
const maxSpacingMs = 1000;

/**
 * The deploy's journal in a ConfigMap of the namespace, so a deploy started from another
 * machine can be followed: written once when it begins, after each service that finishes having
 * done something (services finishing close together share a write), and once at the end, each
 * after `guard` (the lock is still held). Writes go one at a time, in order: services finishing
 * together cannot overwrite each other's.
 */
export class DeployJournal {
  private record: DeployJournalRecord | undefined;
  private writing: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private lastWrite = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly namespace: string,
    private readonly guard: () => Promise<void>,
  ) {}

  async begin(input: {
    readonly project: ProjectModel;
    readonly env: EnvironmentModel;
    readonly plan: Plan;
    readonly holder: string;
    readonly only: readonly string[];
    readonly by: string;
    readonly commit: string;
    /** Release summaries of the namespace, newest first per service (one LIST). */
    readonly history: readonly ReleaseSummary[];
  }): Promise<void> {
    const defined = new Map((input.project.services.get(input.env.name) ?? []).map((s) => [s.spec.name, s]));
    const histories = new Map<string, ReleaseSummary[]>();
    for (const h of input.history) {
      const mine = histories.get(h.service);
      if (mine) mine.push(h);
      else histories.set(h.service, [h]);
    }
    this.record = {
      id: randomBytes(6).toString("hex"),
      holder: input.holder,
      project: input.project.name,
      environment: input.env.name,
      only: [...input.only],
      by: input.by,
      commit: input.commit,
      startedAt: new Date().toISOString(),
      status: "running",
      services: input.plan.services.map((plan): JournalService => {
        const service = defined.get(plan.service);
        const steps = service ? stepsFor({ plan, service }).map((s) => s.name) : [];
        const history = histories.get(plan.service) ?? [];
        return {
          service: plan.service,
          dependsOn: [...plan.dependsOn],
          steps,
          version: service?.spec.version ?? "",
          ...(plan.changed ? { revision: plannedRevision(history, plan.objectsHash) } : {}),
          objectsHash: plan.objectsHash,
        };
      }),
    };
    await this.write();
  }

  /** A service finished; one that changed nothing is written with the next write, not on its own. */
  async finished(result: ServiceResult, blockedBy: readonly string[]): Promise<void> {
    const entry = this.record?.services.find((s) => s.service === result.service);
    if (!entry) return;
    entry.finished = {
      outcome: result.outcome,
      message: result.message,
      at: new Date().toISOString(),
      ...(result.revision === undefined ? {} : { revision: result.revision }),
      ...(result.failedStep ? { failedStep: result.failedStep } : {}),
      ...(blockedBy.length ? { blockedBy: [...blockedBy] } : {}),
    };
    if (result.outcome !== "unchanged") await this.write();
  }

  async end(ok: boolean): Promise<void> {
    if (!this.record) return;
    this.record.status = ok ? "done" : "failed";
    this.record.finishedAt = new Date().toISOString();
    await this.write();
  }

  private write(): Promise<void> {
    // A write still waiting for the one in flight will carry every change made meanwhile: its
    // callers share it, so services finishing together cost one write, not one each.
    if (this.queued) return this.queued;
    const next = this.writing.then(async () => {
      const spacing = Math.min(maxSpacingMs, spacingPerServiceMs * (this.record?.services.length ?? 0));
      const wait = this.lastWrite + spacing - Date.now();
      // Still queued while it waits: changes made meanwhile go with this write.
      if (wait > 0) await sleep(wait);
      this.queued = undefined; // from here on, a change needs a write of its own
      if (!this.record) return;
      await this.guard();
      // Server-side apply: one request, whether the ConfigMap exists or not.
      await this.cluster.apply(
        configMapWithJson(
          { name: deployJournalName, namespace: this.namespace, key: dataKey },
          labels,
          this.record,
        ),
        { force: true },
      );
      this.lastWrite = Date.now();
    });
    this.queued = next;
    // A failed write fails its callers; the next write still runs.
    this.writing = next.catch(() => undefined);
    return next;
  }
}
