import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { collectionPath } from "../clients/kubernetes/resources.ts";
import { sleep } from "../util/sleep.ts";
import { metadataOnlyAccept } from "../clients/kubernetes/resources.ts";
import { watchOnce } from "./watch-stream.ts";

export interface KindFeedOptions {
  readonly kind: string;
  readonly namespace: string;
  readonly labelSelector: string;
  /** Release Secrets: their labels and annotations, never their data. */
  readonly metadataOnly?: boolean;
  /** List again this often although the watch holds: a missed event cannot last longer. */
  readonly resyncMs?: number;
}

/** What the dashboard knows of one kind: the objects, and whether it could read them. */
export interface KindState {
  readonly objects: readonly KubernetesObject[];
  /** Set while the API server does not answer: the objects are the last ones read. */
  readonly error?: string;
  readonly synced: boolean;
}

/**
 * One kind in one namespace kept current: a LIST, then a watch from its resourceVersion. A
 * watch that ends is resumed from the last resourceVersion seen (bookmarks included); one
 * that expired (410) lists again; a failure retries with a growing pause. Every `resyncMs` it
 * lists again whatever happened. `onChange` is called after every change to the objects.
 */
export class KindFeed {
  private readonly objects = new Map<string, KubernetesObject>();
  private error: string | undefined;
  private synced = false;
  private resourceVersion: string | undefined;
  private listedAt = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: KindFeedOptions,
    private readonly onChange: () => void,
  ) {}

  state(): KindState {
    return {
      objects: [...this.objects.values()],
      synced: this.synced,
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** Runs until the signal aborts; resolves once the first LIST answered (or failed). */
  start(signal: AbortSignal): Promise<void> {
    return new Promise<void>((firstListed) => {
      void this.loop(signal, firstListed);
    });
  }

  private async loop(signal: AbortSignal, firstListed: () => void): Promise<void> {
    const resyncMs = this.options.resyncMs ?? 5 * 60_000;
    let pause = 500;
    while (!signal.aborted) {
      if (!this.resourceVersion || Date.now() - this.listedAt >= resyncMs) {
        const listed = await this.list(signal);
        firstListed();
        if (!listed) {
          await sleep(pause, signal).catch(() => undefined);
          pause = Math.min(pause * 2, 10_000);
          continue;
        }
      }
      const timeoutSeconds = Math.max(
        1,
        Math.min(290, Math.round((resyncMs - (Date.now() - this.listedAt)) / 1000)),
      );
      const watchedAt = Date.now();
      const end = await watchOnce(
        this.cluster,
        {
          kind: this.options.kind,
          namespace: this.options.namespace,
          labelSelector: this.options.labelSelector,
          resourceVersion: this.resourceVersion ?? "0",
          metadataOnly: this.options.metadataOnly === true,
          timeoutSeconds,
        },
        (type, object) => this.apply(type, object),
        signal,
      );
      if (signal.aborted) return;
      if (end.reason === "expired") this.resourceVersion = undefined;
      else if (end.reason === "failed") {
        this.fail(end.error);
        await sleep(pause, signal).catch(() => undefined);
        pause = Math.min(pause * 2, 10_000);
      } else if (Date.now() - watchedAt < 1000) {
        // A server that ends every watch at once must not be asked again in a tight loop.
        await sleep(pause, signal).catch(() => undefined);
        pause = Math.min(pause * 2, 10_000);
      } else pause = 500;
    }
  }

  private async list(signal: AbortSignal): Promise<boolean> {
    try {
      const list = await this.cluster.request<{
        items: KubernetesObject[];
        metadata: { resourceVersion: string };
      }>({
        method: "GET",
        path: collectionPath(this.options.kind, this.options.namespace),
        query: { labelSelector: this.options.labelSelector },
        ...(this.options.metadataOnly ? { headers: { accept: metadataOnlyAccept } } : {}),
        // A LIST the server never answers must not stall the feed: it is tried again.
        signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
      });
      this.objects.clear();
      for (const item of list.items) this.objects.set(nameOf(item), { ...item, kind: this.options.kind });
      this.resourceVersion = list.metadata.resourceVersion;
      this.listedAt = Date.now();
      this.error = undefined;
      this.synced = true;
      this.onChange();
      return true;
    } catch (error) {
      if (!signal.aborted) this.fail(error as Error);
      return false;
    }
  }

  private apply(type: string, object: KubernetesObject): void {
    const rv = object.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (type === "BOOKMARK") return;
    if (type === "DELETED") this.objects.delete(nameOf(object));
    else this.objects.set(nameOf(object), { ...object, kind: this.options.kind });
    if (this.error) this.error = undefined;
    this.onChange();
  }

  private fail(error: Error): void {
    const said = `cannot read ${this.options.kind} in ${this.options.namespace}: ${error.message}`;
    if (said === this.error) return;
    this.error = said;
    this.onChange();
  }
}

const nameOf = (o: KubernetesObject): string => o.metadata?.name ?? "";
