import { setMaxListeners } from "node:events";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel, ProjectModel } from "../definitions/model.ts";
import { managedSelector } from "../plan/live-state.ts";
import { columnName } from "./fleet-columns.ts";
import { KindFeed, type KindState } from "./kind-feed.ts";

/**
 * The kinds every page reads, each one LIST and one watch per environment: the dashboard's
 * requests grow with kinds × environments, never with services or with browser clients.
 */
export const watchedKinds = [
  "deployments",
  "cronJobs",
  "releases",
  "leases",
  "signoffs",
  "jobs",
  "journals",
] as const;
export type WatchedKind = (typeof watchedKinds)[number];

const feedOptions = (
  key: WatchedKind,
  project: ProjectModel,
  env: EnvironmentModel,
): { kind: string; labelSelector: string; metadataOnly?: boolean } => {
  switch (key) {
    case "deployments":
      return { kind: "Deployment", labelSelector: managedSelector(project.name, env.name) };
    case "cronJobs":
      return { kind: "CronJob", labelSelector: managedSelector(project.name, env.name) };
    // The summary annotation is all a page needs; a record's payload is read when a timeline asks.
    case "releases":
      return { kind: "Secret", labelSelector: "slipway.dev/record=release", metadataOnly: true };
    case "leases":
      return { kind: "Lease", labelSelector: "app.kubernetes.io/managed-by=slipway" };
    case "signoffs":
      return { kind: "ConfigMap", labelSelector: "slipway.dev/signoff-of" };
    case "jobs":
      return { kind: "Job", labelSelector: "app.kubernetes.io/managed-by=slipway" };
    // The deploy journal (procedure/deploy-journal.ts): the live deploy view's list of steps;
    // and a fleet's journal of its waves (fleet/journal.ts), in its home cluster: one watch for both.
    case "journals":
      return { kind: "ConfigMap", labelSelector: "slipway.dev/record in (deploy,fleet-deploy)" };
  }
};

/** One environment's objects as last read, by kind. */
export interface EnvironmentSnapshot {
  readonly env: EnvironmentModel;
  readonly kinds: Readonly<Record<WatchedKind, KindState>>;
}

export interface PlatformSnapshot {
  readonly project: ProjectModel;
  /** Grows by one on every change: pages and SSE streams compare it. */
  readonly generation: number;
  readonly environments: readonly EnvironmentSnapshot[];
}

/**
 * Everything the dashboard shows of the clusters, kept current by watches, shared by all pages
 * and all browser clients. Listeners hear of a change at most every `settleMs` (a rollout
 * changes a Deployment's status many times a second).
 */
export class PlatformCache {
  private readonly feeds = new Map<string, Map<WatchedKind, KindFeed>>();
  private readonly listeners = new Set<(generation: number) => void>();
  private readonly controller = new AbortController();
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly project: ProjectModel,
    readonly environments: readonly EnvironmentModel[],
    readonly clusterFor: (env: EnvironmentModel) => Cluster,
    private readonly options: { readonly settleMs?: number; readonly resyncMs?: number } = {},
  ) {
    // Each feed's LIST and watch listen on the one signal: six kinds per environment.
    setMaxListeners(0, this.controller.signal);
    for (const env of environments) {
      const cluster = clusterFor(env);
      const byKind = new Map<WatchedKind, KindFeed>();
      for (const key of watchedKinds) {
        const o = feedOptions(key, project, env);
        byKind.set(
          key,
          new KindFeed(
            cluster,
            {
              ...o,
              namespace: env.cluster.namespace,
              ...(options.resyncMs ? { resyncMs: options.resyncMs } : {}),
            },
            () => this.changed(),
          ),
        );
      }
      // A fleet's clusters are one environment each (status/fleet-columns.ts): keyed by column.
      this.feeds.set(columnName(env), byKind);
    }
  }

  /** Starts every feed; resolves once each has answered its first LIST (or failed it). */
  async start(): Promise<void> {
    await Promise.all(
      [...this.feeds.values()].flatMap((m) => [...m.values()].map((f) => f.start(this.controller.signal))),
    );
  }

  stop(): void {
    this.controller.abort();
    if (this.timer) clearTimeout(this.timer);
  }

  snapshot(): PlatformSnapshot {
    return {
      project: this.project,
      generation: this.generation,
      environments: this.environments.map((env) => {
        const feeds = this.feeds.get(columnName(env));
        const kinds = Object.fromEntries(
          watchedKinds.map((k) => [k, feeds?.get(k)?.state() ?? { objects: [], synced: false }]),
        ) as Record<WatchedKind, KindState>;
        return { env, kinds };
      }),
    };
  }

  /** Calls `listener` after changes; returns the function that stops it. */
  subscribe(listener: (generation: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.generation++;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const l of this.listeners) l(this.generation);
    }, this.options.settleMs ?? 150);
  }
}

export const objectsOf = (snapshot: EnvironmentSnapshot, kind: WatchedKind): readonly KubernetesObject[] =>
  snapshot.kinds[kind].objects;
