import type { CanaryRecord } from "../canary/record.ts";
import type { KubernetesObject, V1Deployment, V1Job } from "@kubernetes/client-node";
import { deploymentVerdict } from "../checks/rollout/deployment.ts";
import type { FailureEvidence } from "../checks/rollout/evidence.ts";
import { jobVerdict } from "../checks/rollout/job.ts";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { managedSelector } from "../plan/live-state.ts";
import {
  deployJournalName,
  journalOf,
  type DeployJournalRecord,
  type JournalService,
} from "../procedure/deploy-journal.ts";
import { holderIsDeadHere, lockName, type LeaseObject } from "../procedure/lock.ts";
import type { ServiceOutcome } from "../procedure/report.ts";
import { procedure } from "../procedure/steps/index.ts";
import type { ReleaseRecord, ReleaseSummary } from "../release/record.ts";
import { ReleaseStore } from "../release/store.ts";
import { migrationJobName } from "../render/workloads.ts";

/**
 * A step of one service in the live deploy. "interrupted": the step the deploy was in when it
 * stopped; a re-run starts there.
 */
export type StepState = "done" | "running" | "failed" | "skipped" | "pending" | "interrupted";

export interface StepProgress {
  readonly step: string;
  readonly state: StepState;
  /** When it finished, from the release's step journal. */
  readonly at?: string;
  readonly message?: string;
  /** What a running (or pending) step waits on: "2/3 pods ready", "waiting for auth". */
  readonly waitsOn?: string;
  /** Live status lines of a running step (the rollout's or the Job's verdict). */
  readonly lines: readonly string[];
  /** A failed step's evidence, as its release recorded it: the pods' reasons and last log lines. */
  readonly evidence?: readonly FailureEvidence[];
}

export type ServiceState =
  "pending" | "running" | "deployed" | "unchanged" | "failed" | "rolled-back" | "skipped" | "interrupted";

export interface ServiceProgress {
  readonly service: string;
  readonly version: string;
  /** The release this deploy records into; absent when the service's objects are unchanged. */
  readonly revision?: number;
  readonly state: ServiceState;
  /** How it finished, as the deploy reported it. */
  readonly outcome?: ServiceOutcome;
  readonly message?: string;
  readonly dependsOn: readonly string[];
  /** Skipped: the dependencies that did not deploy. */
  readonly blockedBy: readonly string[];
  /** Not started: the dependencies it waits for. */
  readonly waitsOn?: string;
  readonly steps: readonly StepProgress[];
  /** The automatic rollback of a failed rollout: running, or how it ended. */
  readonly rollback?: {
    readonly toRevision: number;
    readonly state: "running" | "succeeded" | "failed";
    readonly message?: string;
  };
  /** Its canary, as its release keeps it: the step, the weight, every analysis so far. */
  readonly canary?: CanaryRecord;
  /** The migration Job's pod logs (last lines), while it runs or when it failed or was interrupted. */
  readonly jobLogs: readonly { readonly job: string; readonly lines: readonly string[] }[];
}

export type DeployState = "running" | "done" | "failed" | "interrupted";

export interface DeployProgressLock {
  readonly holder: string;
  readonly since: string;
  readonly expiresAt: string;
  /** Past its expiry, or its holder's process is gone (on this machine): anyone may take it over. */
  readonly expired: boolean;
  /** The lock is this deploy's (not a newer one's). */
  readonly heldByThisDeploy: boolean;
}

/** The current (or last) deploy of an environment, as the live deploy view draws it. */
export interface DeployProgress {
  readonly environment: string;
  readonly namespace: string;
  readonly deploy?: {
    readonly id: string;
    readonly by: string;
    readonly commit: string;
    readonly services: readonly string[];
    readonly startedAt: string;
    readonly finishedAt?: string;
    readonly state: DeployState;
    readonly message: string;
    /** Interrupted: the command that resumes it. */
    readonly resumeWith?: string;
  };
  readonly lock?: DeployProgressLock;
  /** The deploy stopped before it finished: running it again resumes where it stopped. */
  readonly resumable: boolean;
  readonly services: readonly ServiceProgress[];
}

/**
 * What the view is computed from, as already-read objects: a caller that keeps shared LISTs or
 * watches (the dashboard) passes its own and makes no request.
 */
export interface DeployProgressSnapshot {
  readonly environment: string;
  readonly namespace: string;
  /** The deploy journal's ConfigMap (or the journal itself); absent when no deploy ran. */
  readonly journal?: DeployJournalRecord | KubernetesObject;
  /** Release summaries of the namespace (ReleaseStore.summaries()). */
  readonly releases: readonly ReleaseSummary[];
  /** The full records of `releasesToRead`: their step journals. */
  readonly records: readonly ReleaseRecord[];
  /** The deploy lock's Lease, when there is one. */
  readonly lease?: KubernetesObject;
  readonly deployments: readonly KubernetesObject[];
  readonly jobs: readonly KubernetesObject[];
  /** Job name → its pods' log lines (the `jobsWithLogs` of a first pass). */
  readonly logs?: ReadonlyMap<string, readonly string[]>;
  readonly now?: Date;
  /** Whether the lock's holder is a process known to be gone (default: one on this machine). */
  readonly holderIsDead?: (holder: string) => boolean;
}

/** Log lines kept per Job. */
export const jobLogLines = 50;

const isJournal = (value: DeployJournalRecord | KubernetesObject): value is DeployJournalRecord =>
  "services" in value && "startedAt" in value;

const journalIn = (snapshot: DeployProgressSnapshot): DeployJournalRecord | undefined =>
  snapshot.journal
    ? isJournal(snapshot.journal)
      ? snapshot.journal
      : journalOf(snapshot.journal)
    : undefined;

/** The release a journalled service records into, when it exists (the record is read for its steps). */
function revisionOf(entry: JournalService, releases: readonly ReleaseSummary[]): number | undefined {
  const revision = entry.finished?.revision ?? entry.revision;
  return revision !== undefined &&
    releases.some((r) => r.service === entry.service && r.revision === revision)
    ? revision
    : undefined;
}

/** The full records the view needs: the releases of the journalled deploy's services, no others. */
export function releasesToRead(
  journal: DeployJournalRecord | undefined,
  releases: readonly ReleaseSummary[],
): { service: string; revision: number }[] {
  return (journal?.services ?? []).flatMap((entry) => {
    const revision = revisionOf(entry, releases);
    return revision === undefined ? [] : [{ service: entry.service, revision }];
  });
}

/** The Jobs whose logs the view shows: migrations running, failed or interrupted. */
export const jobsWithLogs = (progress: DeployProgress): string[] =>
  progress.services.flatMap((s) => s.jobLogs.map((j) => j.job));

function lockOf(
  lease: KubernetesObject | undefined,
  journal: DeployJournalRecord | undefined,
  now: Date,
  holderIsDead: (holder: string) => boolean,
): DeployProgressLock | undefined {
  const spec = (lease as LeaseObject | undefined)?.spec;
  if (!spec?.holderIdentity) return undefined;
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? "1970-01-01T00:00:00Z");
  const expiresAt = renewed + (spec.leaseDurationSeconds ?? 30) * 1000;
  return {
    holder: spec.holderIdentity,
    since: spec.acquireTime ?? "",
    expiresAt: new Date(expiresAt).toISOString(),
    expired: now.getTime() > expiresAt || holderIsDead(spec.holderIdentity),
    heldByThisDeploy: journal?.holder === spec.holderIdentity,
  };
}

const rerun = (journal: DeployJournalRecord): string =>
  `slipway deploy -e ${journal.environment}${journal.only.length ? ` ${journal.only.join(" ")}` : ""}`;

const phaseOf = (step: string): string | undefined => procedure.find((s) => s.name === step)?.phase;

/** The live view, computed from already-read objects: no requests. */
export function deployProgressFrom(snapshot: DeployProgressSnapshot): DeployProgress {
  const now = snapshot.now ?? new Date();
  const journal = journalIn(snapshot);
  const lock = lockOf(snapshot.lease, journal, now, snapshot.holderIsDead ?? holderIsDeadHere);
  const base = {
    environment: snapshot.environment,
    namespace: snapshot.namespace,
    ...(lock ? { lock } : {}),
  };
  if (!journal) return { ...base, resumable: false, services: [] };

  const alive = lock !== undefined && lock.heldByThisDeploy && !lock.expired;
  const state: DeployState =
    journal.status !== "running" ? journal.status : alive ? "running" : "interrupted";
  const why = !lock
    ? "its lock is gone"
    : !lock.heldByThisDeploy
      ? `another deploy holds the lock now (${lock.holder})`
      : "its lock expired: the process holding it stopped";
  const message =
    state === "running"
      ? `deploying since ${journal.startedAt}`
      : state === "interrupted"
        ? `interrupted before it finished (${why}): run ${rerun(journal)} again to resume`
        : `${state === "done" ? "finished" : "failed"} at ${journal.finishedAt ?? "?"}`;
  const finished = new Map(journal.services.map((s) => [s.service, s.finished]));
  const services = journal.services.map((entry) =>
    serviceProgress(entry, { snapshot, state, finished, journal }),
  );
  return {
    ...base,
    deploy: {
      id: journal.id,
      by: journal.by,
      commit: journal.commit,
      services: journal.services.map((s) => s.service),
      startedAt: journal.startedAt,
      ...(journal.finishedAt ? { finishedAt: journal.finishedAt } : {}),
      state,
      message,
      ...(state === "interrupted" ? { resumeWith: rerun(journal) } : {}),
    },
    resumable: state === "interrupted",
    services,
  };
}

interface Context {
  readonly snapshot: DeployProgressSnapshot;
  readonly state: DeployState;
  readonly finished: ReadonlyMap<string, JournalService["finished"]>;
  readonly journal: DeployJournalRecord;
}

const outcomeState: Readonly<Record<ServiceOutcome, ServiceState>> = {
  deployed: "deployed",
  unchanged: "unchanged",
  failed: "failed",
  "rolled-back": "rolled-back",
  skipped: "skipped",
  "dry-run": "unchanged",
};

function serviceProgress(entry: JournalService, ctx: Context): ServiceProgress {
  const { snapshot } = ctx;
  const revision = revisionOf(entry, snapshot.releases);
  const record = snapshot.records.find((r) => r.service === entry.service && r.revision === revision);
  // The last journal entry of each step: a resumed release may hold an earlier failure of it.
  const recorded = new Map((record?.steps ?? []).map((s) => [s.step === "wait" ? "rollout" : s.step, s]));
  const fromRecord = (step: string): StepProgress | undefined => {
    const r = recorded.get(step);
    const evidence =
      r?.status === "failed" && record?.failure?.step === step && record.failure.evidence.length
        ? { evidence: record.failure.evidence }
        : {};
    return r
      ? {
          step,
          state: r.status,
          at: r.at,
          ...(r.message ? { message: r.message } : {}),
          lines: [],
          ...evidence,
        }
      : undefined;
  };
  const planned = entry.finished?.revision ?? entry.revision;
  const common = {
    service: entry.service,
    version: entry.version,
    ...(planned === undefined ? {} : { revision: planned }),
    dependsOn: entry.dependsOn,
    ...(record?.canary ? { canary: record.canary } : {}),
  };
  const deployed = snapshot.releases.find((r) => r.service === entry.service && r.status === "deployed");
  const rollback = rollbackOf(record, deployed, ctx.state);
  const done = entry.finished;

  if (done) {
    const ran = done.outcome === "deployed" || done.outcome === "unchanged";
    const steps = entry.steps.map(
      (step): StepProgress =>
        fromRecord(step) ??
        (done.failedStep === step
          ? { step, state: "failed", message: done.message, lines: [] }
          : { step, state: ran ? "done" : "skipped", lines: [] }),
    );
    return {
      ...common,
      state: outcomeState[done.outcome],
      outcome: done.outcome,
      message: done.message,
      blockedBy: done.blockedBy ?? [],
      steps,
      ...(rollback ? { rollback } : {}),
      jobLogs: migrationLogs(entry, steps, snapshot),
    };
  }

  const running = ctx.state === "running";
  const waitingFor = entry.dependsOn.filter((d) => ctx.finished.has(d) && !ctx.finished.get(d));
  if (!record || waitingFor.length) {
    const waitsOn = !running
      ? undefined
      : waitingFor.length
        ? `waiting for ${waitingFor.join(", ")}`
        : "waiting to start";
    return {
      ...common,
      state: running ? "pending" : "interrupted",
      blockedBy: [],
      ...(waitsOn ? { waitsOn } : {}),
      steps: entry.steps.map((step) => ({ step, state: "pending", lines: [] })),
      jobLogs: [],
    };
  }

  // Started: the steps its release journalled, then the one it is in, then the rest.
  const failedAt = entry.steps.find((s) => recorded.get(s)?.status === "failed");
  const current = failedAt ? undefined : entry.steps.find((s) => !recorded.has(s));
  const steps = entry.steps.map((step): StepProgress => {
    const known = fromRecord(step);
    if (known) return known;
    if (failedAt) return { step, state: "skipped", lines: [] };
    if (step !== current) return { step, state: "pending", lines: [] };
    if (!running)
      return {
        step,
        state: "interrupted",
        message: `interrupted here: run ${rerun(ctx.journal)} again to resume from this step`,
        lines: [],
      };
    return {
      step,
      state: "running",
      ...liveDetail(entry, step, snapshot),
      lines: liveLines(entry, step, snapshot),
    };
  });
  return {
    ...common,
    state: running ? "running" : "interrupted",
    blockedBy: [],
    steps,
    ...(rollback ? { rollback } : {}),
    jobLogs: migrationLogs(entry, steps, snapshot),
  };
}

/** The rollback of a release whose rollout failed: recorded once done, running until then. */
function rollbackOf(
  record: ReleaseRecord | undefined,
  deployed: ReleaseSummary | undefined,
  state: DeployState,
): ServiceProgress["rollback"] {
  if (!record) return undefined;
  if (record.rollback)
    return {
      toRevision: record.rollback.toRevision,
      state: record.rollback.outcome,
      message: record.rollback.message,
    };
  const failedRollout = record.steps.some((s) => s.status === "failed" && phaseOf(s.step) === "rollout");
  if (failedRollout && record.status === "pending" && state === "running" && deployed)
    return { toRevision: deployed.revision, state: "running" };
  return undefined;
}

const deploymentOf = (entry: JournalService, snapshot: DeployProgressSnapshot): V1Deployment | undefined =>
  snapshot.deployments.find((d) => d.metadata?.name === entry.service) as V1Deployment | undefined;

const migrationJobOf = (entry: JournalService, snapshot: DeployProgressSnapshot): V1Job | undefined => {
  if (entry.revision === undefined) return undefined;
  const name = migrationJobName(entry.service, `r${entry.revision}`);
  return snapshot.jobs.find((j) => j.metadata?.name === name) as V1Job | undefined;
};

/** What a running step waits on, from the live objects. */
function liveDetail(
  entry: JournalService,
  step: string,
  snapshot: DeployProgressSnapshot,
): { waitsOn?: string } {
  if (step === "rollout") {
    const d = deploymentOf(entry, snapshot);
    if (d) return { waitsOn: `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0} pods ready` };
  }
  if (step === "migrate") {
    const job = migrationJobOf(entry, snapshot);
    if (job) return { waitsOn: `Job ${job.metadata?.name ?? ""}: ${jobVerdict(job).message}` };
  }
  return {};
}

function liveLines(entry: JournalService, step: string, snapshot: DeployProgressSnapshot): string[] {
  if (step !== "rollout") return [];
  const d = deploymentOf(entry, snapshot);
  return d ? [deploymentVerdict(d).message] : [];
}

/** The migration Job's logs while the migrate step runs, or after it failed or was interrupted. */
function migrationLogs(
  entry: JournalService,
  steps: readonly StepProgress[],
  snapshot: DeployProgressSnapshot,
): ServiceProgress["jobLogs"] {
  const migrate = steps.find((s) => s.step === "migrate");
  if (!migrate || !["running", "failed", "interrupted"].includes(migrate.state)) return [];
  const job = migrationJobOf(entry, snapshot);
  if (!job) return [];
  const name = job.metadata?.name ?? "";
  return [{ job: name, lines: [...(snapshot.logs?.get(name) ?? [])].slice(-jobLogLines) }];
}

/**
 * Reads the current (or last) deploy of an environment from the cluster. The requests do not
 * grow with the number of services: the journal, the Lease, one LIST each of release metadata,
 * Deployments and Jobs, then the full records of the deploy's own services and the logs of
 * migration Jobs running or failed.
 */
export async function readDeployProgress(
  cluster: Cluster,
  namespace: string,
  environment: string,
): Promise<DeployProgress> {
  const store = new ReleaseStore(cluster, namespace);
  const [journalMap, lease] = await Promise.all([
    cluster.get("ConfigMap", deployJournalName, namespace),
    cluster.get("Lease", lockName, namespace),
  ]);
  const journal = journalOf(journalMap);
  if (!journal)
    return deployProgressFrom({
      environment,
      namespace,
      releases: [],
      records: [],
      ...(lease ? { lease } : {}),
      deployments: [],
      jobs: [],
    });
  const selector = managedSelector(journal.project, journal.environment);
  const [releases, deployments, jobs] = await Promise.all([
    store.summaries(),
    cluster.list("Deployment", namespace, selector),
    cluster.list("Job", namespace, selector),
  ]);
  const records = await Promise.all(
    releasesToRead(journal, releases).map((r) => store.get(r.service, r.revision).catch(() => undefined)),
  );
  const snapshot: DeployProgressSnapshot = {
    environment,
    namespace,
    journal,
    releases,
    records: records.filter((r): r is ReleaseRecord => r !== undefined),
    ...(lease ? { lease } : {}),
    deployments: deployments.items,
    jobs: jobs.items,
  };
  const first = deployProgressFrom(snapshot);
  const logged = jobsWithLogs(first);
  if (!logged.length) return first;
  return deployProgressFrom({ ...snapshot, logs: await readJobLogs(cluster, namespace, logged) });
}

/** The last lines of each Job's pods' logs: one LIST of their pods, one log request per pod. */
export async function readJobLogs(
  cluster: Cluster,
  namespace: string,
  jobs: readonly string[],
): Promise<Map<string, string[]>> {
  const pods = await cluster.list("Pod", namespace, `job-name in (${jobs.join(",")})`);
  const logs = new Map<string, string[]>(jobs.map((j) => [j, []]));
  await Promise.all(
    pods.items.map(async (pod) => {
      const name = pod.metadata?.name ?? "";
      const job = pod.metadata?.labels?.["job-name"] ?? "";
      const text = await cluster
        .request<unknown>({
          method: "GET",
          path: `/api/v1/namespaces/${namespace}/pods/${name}/log`,
          query: { tailLines: String(jobLogLines) },
          headers: { accept: "text/plain" },
        })
        .then((t) => (typeof t === "string" ? t : JSON.stringify(t)))
        .catch((e: Error) => `(the cluster serves no logs for ${name}: ${e.message})`);
      logs.get(job)?.push(...text.trimEnd().split("\n").filter(Boolean));
    }),
  );
  return logs;
}
