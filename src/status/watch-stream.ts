import { request } from "node:https";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { collectionPath, metadataOnlyWatchAccept } from "../clients/kubernetes/resources.ts";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/** How a watch ended: closed by the server (watch again from `resourceVersion`), expired, or failed. */
export type WatchEnd =
  | { readonly reason: "closed" }
  /** 410 Gone: the resourceVersion is too old to watch from; list again. */
  | { readonly reason: "expired" }
  | { readonly reason: "failed"; readonly error: Error };

export interface WatchRequest {
  readonly kind: string;
  readonly namespace: string;
  readonly labelSelector: string;
  readonly resourceVersion: string;
  readonly metadataOnly: boolean;
  /** The server closes the watch after this long; the caller watches again (a fresh connection). */
  readonly timeoutSeconds: number;
}

/**
 * One watch request, read as the API streams it (one JSON event per line). Written here, not
 * with the client library's Watch, because a metadata-only watch needs its own accept header
 * and a 410 must be told apart from a closed connection. Counts as one request on the Cluster.
 */
export async function watchOnce(
  cluster: Cluster,
  req: WatchRequest,
  onEvent: (type: WatchEventType, object: KubernetesObject) => void,
  signal: AbortSignal,
): Promise<WatchEnd> {
  const kc = cluster.kubeConfig;
  const server = kc.getCurrentCluster()?.server;
  if (!server) return { reason: "failed", error: new Error(`context ${cluster.context} names no server`) };
  const url = new URL(collectionPath(req.kind, req.namespace), server);
  url.searchParams.set("watch", "true");
  url.searchParams.set("allowWatchBookmarks", "true");
  url.searchParams.set("labelSelector", req.labelSelector);
  url.searchParams.set("resourceVersion", req.resourceVersion);
  url.searchParams.set("timeoutSeconds", String(req.timeoutSeconds));
  const options: import("node:https").RequestOptions = { method: "GET", headers: {} };
  await kc.applyToHTTPSOptions(options);
  const headers = {
    ...(options.headers as Record<string, string>),
    accept: req.metadataOnly ? metadataOnlyWatchAccept : "application/json",
  };
  cluster.requests++;
  // The server ends the watch after timeoutSeconds; one that stays silent well past that (a
  // connection lost without a close, an API server that never answered) is given up on here.
  const stalled = new AbortController();
  let watchdog: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => stalled.abort(), (req.timeoutSeconds + 30) * 1000);
    watchdog.unref();
  };
  arm();
  return new Promise<WatchEnd>((resolve) => {
    let ended = false;
    const end = (how: WatchEnd): void => {
      if (ended) return;
      ended = true;
      clearTimeout(watchdog);
      resolve(how);
    };
    const both = AbortSignal.any([signal, stalled.signal]);
    const r = request(url, { ...options, headers, signal: both }, (res) => {
      arm();
      if (res.statusCode === 410) {
        res.resume();
        return end({ reason: "expired" });
      }
      if ((res.statusCode ?? 0) >= 300) {
        res.resume();
        return end({ reason: "failed", error: new Error(`watch ${req.kind}: HTTP ${res.statusCode}`) });
      }
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        arm();
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (!line) continue;
          let event: { type: WatchEventType; object: KubernetesObject & { code?: number } };
          try {
            event = JSON.parse(line) as typeof event;
          } catch {
            r.destroy();
            return end({ reason: "failed", error: new Error(`watch ${req.kind}: unreadable event`) });
          }
          if (event.type === "ERROR") {
            r.destroy();
            return end(
              event.object.code === 410
                ? { reason: "expired" }
                : {
                    reason: "failed",
                    error: new Error(`watch ${req.kind}: ${JSON.stringify(event.object)}`),
                  },
            );
          }
          onEvent(event.type, event.object);
        }
      });
      res.on("end", () => end({ reason: "closed" }));
      res.on("error", (error) => end({ reason: "failed", error }));
      res.on("close", () => end({ reason: "closed" }));
    });
    r.on("error", (error) =>
      end(
        signal.aborted
          ? { reason: "closed" }
          : stalled.signal.aborted
            ? {
                reason: "failed",
                error: new Error(`watch ${req.kind}: no answer for ${req.timeoutSeconds + 30}s`),
              }
            : { reason: "failed", error },
      ),
    );
    r.end();
  });
}
