import { KubeConfig, Watch, type KubernetesObject } from "@kubernetes/client-node";
import { KubernetesApiError, kubeRequest, type RawRequest } from "./request.ts";
import { objectPath, resources } from "./resources.ts";
import { sleep } from "../../util/sleep.ts";

export interface ObjectList {
  readonly items: KubernetesObject[];
  readonly resourceVersion: string;
}

import { fieldManager } from "./field-manager.ts";

export { fieldManager };

export interface ApplyOptions {
  /** Server-side dry run: the server validates and admits, and stores nothing. */
  readonly dryRun?: boolean;
  /** Take over fields another manager owns (otherwise a conflict is an error). */
  readonly force?: boolean;
  readonly signal?: AbortSignal;
  /** Another field manager than Slipway's, to hand a field over (replicas to an autoscaler). */
  readonly fieldManager?: string;
}

export type WatchEvent = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/**
 * The cluster as Slipway uses it: list by label, server-side apply, delete, watch.
 * Thin by design; it counts its requests so benchmarks can report them.
 */
export class Cluster {
  /** API requests made through this client (watches count once each). */
  requests = 0;

  constructor(
    readonly kubeConfig: KubeConfig,
    readonly context: string,
    /** How these credentials reached Slipway, when not from the local user's kubeconfig. */
    readonly options: { readonly origin?: string } = {},
  ) {}

  /** Opens a kubeconfig context (the default kubeconfig when no path is given). */
  static open(context: string, kubeconfigPath?: string): Cluster {
    const kc = new KubeConfig();
    if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
    else kc.loadFromDefault();
    if (!kc.getContexts().some((c) => c.name === context)) {
      throw new KubernetesApiError(
        0,
        "NoContext",
        `kubeconfig has no context "${context}" (contexts: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(", ") || "none"
        })`,
        "",
      );
    }
    kc.setCurrentContext(context);
    return new Cluster(kc, context);
  }

  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? "(no server)";
  }

  request<T>(req: RawRequest): Promise<T> {
    this.requests++;
    return kubeRequest<T>(this.kubeConfig, req);
  }

  /** One LIST per kind and namespace, filtered by labels on the server. */
  list(kind: string, namespace: string, labelSelector: string, signal?: AbortSignal): Promise<ObjectList> {
    return this.listWhere(kind, namespace, { labelSelector }, signal);
  }

  /** One LIST per kind and namespace, filtered on the server by labels and/or fields. */
  async listWhere(
    kind: string,
    namespace: string,
    selectors: { readonly labelSelector?: string; readonly fieldSelector?: string },
    signal?: AbortSignal,
  ): Promise<ObjectList> {
    const info = resources[kind];
    if (!info) throw new Error(`unknown kind ${kind}`);
    const base = info.apiVersion.includes("/") ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
    const path = info.namespaced
      ? `${base}/namespaces/${namespace}/${info.plural}`
      : `${base}/${info.plural}`;
    const list = await this.request<{ items: KubernetesObject[]; metadata: { resourceVersion: string } }>({
      method: "GET",
      path,
      query: {
        ...(selectors.labelSelector ? { labelSelector: selectors.labelSelector } : {}),
        ...(selectors.fieldSelector ? { fieldSelector: selectors.fieldSelector } : {}),
      },
      ...(signal ? { signal } : {}),
    });
    const apiVersion = info.apiVersion;
    return {
      items: list.items.map((o) => ({ ...o, apiVersion, kind })),
      resourceVersion: list.metadata.resourceVersion,
    };
  }

  async get(kind: string, name: string, namespace: string): Promise<KubernetesObject | undefined> {
    try {
      return await this.request<KubernetesObject>({ method: "GET", path: objectPath(kind, name, namespace) });
    } catch (error) {
      if (error instanceof KubernetesApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  apply(object: KubernetesObject, options: ApplyOptions = {}): Promise<KubernetesObject> {
    const name = object.metadata?.name;
    if (!object.kind || !name) throw new Error("cannot apply an object without kind and metadata.name");
    return this.request<KubernetesObject>({
      method: "PATCH",
      path: objectPath(object.kind, name, object.metadata?.namespace),
      // Strict: a field the server does not know is an error, never silently dropped.
      query: {
        fieldManager: options.fieldManager ?? fieldManager,
        fieldValidation: "Strict",
        ...(options.force ? { force: "true" } : {}),
        ...(options.dryRun ? { dryRun: "All" } : {}),
      },
      contentType: "application/apply-patch+yaml",
      body: object,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  async create(object: KubernetesObject): Promise<KubernetesObject> {
    const kind = object.kind ?? "";
    const path = objectPath(kind, "x", object.metadata?.namespace).replace(/\/x$/, "");
    return this.request<KubernetesObject>({ method: "POST", path, body: object });
  }

  async replace(object: KubernetesObject): Promise<KubernetesObject> {
    return this.request<KubernetesObject>({
      method: "PUT",
      path: objectPath(object.kind ?? "", object.metadata?.name ?? "", object.metadata?.namespace),
      body: object,
    });
  }

  /** Deletes one object; gone already counts as deleted. Foreground, so owned objects go first. */
  async delete(kind: string, name: string, namespace: string, dryRun = false): Promise<void> {
    try {
      await this.request({
        method: "DELETE",
        path: objectPath(kind, name, namespace),
        ...(dryRun ? { query: { dryRun: "All" } } : {}),
        body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" },
      });
    } catch (error) {
      if (!(error instanceof KubernetesApiError && error.status === 404)) throw error;
    }
  }

  /**
   * Watches one kind from a resourceVersion; resolves when the signal aborts or the server
   * ends the watch (the caller re-lists and watches again).
   */
  async watch(
    kind: string,
    namespace: string,
    labelSelector: string,
    resourceVersion: string,
    onEvent: (type: WatchEvent, object: KubernetesObject) => void,
    signal: AbortSignal,
  ): Promise<Error | null> {
    const info = resources[kind];
    if (!info) throw new Error(`unknown kind ${kind}`);
    const base = info.apiVersion.includes("/") ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
    this.requests++;
    return new Promise<Error | null>((resolve) => {
      // Removed when the watch ends: a long wait watches again and again on the same signal,
      // and a listener left per watch would pile up (Node warns past ten).
      let stop: (() => void) | undefined;
      const done = (error: Error | null): void => {
        if (stop) signal.removeEventListener("abort", stop);
        resolve(error);
      };
      const watch = new Watch(this.kubeConfig);
      watch
        .watch(
          `${base}/namespaces/${namespace}/${info.plural}`,
          { labelSelector, resourceVersion, allowWatchBookmarks: true },
          (type: string, object: KubernetesObject) =>
            onEvent(type as WatchEvent, { ...object, apiVersion: info.apiVersion, kind }),
          (error: unknown) => done(error ? (error as Error) : null),
        )
        .then((controller) => {
          if (signal.aborted) return controller.abort();
          stop = () => controller.abort();
          signal.addEventListener("abort", stop, { once: true });
        })
        .catch((error: unknown) => done(error as Error));
    });
  }

  /**
   * Lists a kind, then watches it from that list, listing again whenever the server ends the
   * watch, until the signal aborts: the list-and-watch loop every waiter needs.
   */
  async follow(
    kind: string,
    namespace: string,
    labelSelector: string,
    handlers: {
      listed(items: KubernetesObject[]): void;
      changed(type: WatchEvent, object: KubernetesObject): void;
      /** The API server did not answer the LIST; the watch retries every half second. */
      unreachable?(error: Error): void;
    },
    signal: AbortSignal,
  ): Promise<void> {
    while (!signal.aborted) {
      const list = await this.list(kind, namespace, labelSelector, signal).catch((error: Error) => {
        if (!signal.aborted) handlers.unreachable?.(error);
        return undefined;
      });
      if (!list) {
        await sleep(500, signal).catch(() => undefined);
        continue;
      }
      handlers.listed(list.items);
      if (signal.aborted) return;
      await this.watch(
        kind,
        namespace,
        labelSelector,
        list.resourceVersion,
        (type, object) => {
          if (type !== "BOOKMARK" && type !== "ERROR") handlers.changed(type, object);
        },
        signal,
      );
    }
  }

  /** Who the cluster says we are (SelfSubjectReview). */
  async whoami(): Promise<string> {
    return (await this.identity()).username;
  }

  /** Who the cluster says we are, with the groups RBAC and break-glass lists match (SelfSubjectReview). */
  async identity(): Promise<{ username: string; groups: string[] }> {
    const review = await this.request<{ status?: { userInfo?: { username?: string; groups?: string[] } } }>({
      method: "POST",
      path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    const user = review.status?.userInfo;
    return { username: user?.username ?? "unknown", groups: user?.groups ?? [] };
  }
}
