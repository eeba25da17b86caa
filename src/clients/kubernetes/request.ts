import { Agent, request, type RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { reusedAgent } from "./reused-agent.ts";
import { signalFor } from "../../util/on-abort.ts";

/** A Kubernetes API error as the server said it: status code, reason and message. */
export class KubernetesApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = "KubernetesApiError";
  }
}

export interface RawRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly contentType?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/**
 * One request in the API's own wire format. The generated client re-serialises
 * typed objects (and renames fields such as NetworkPolicy's `from`); server-side apply
 * needs the objects exactly as rendered, so this goes straight to the server with the
 * kubeconfig's credentials and TLS settings.
 */
export async function kubeRequest<T>(kc: KubeConfig, req: RawRequest): Promise<T> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig context "${kc.getCurrentContext()}" names no cluster`);
  const url = new URL(req.path, cluster.server);
  for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
  const options: RequestOptions = { method: req.method, headers: {} };
  await kc.applyToHTTPSOptions(options);
  if (options.agent instanceof Agent) options.agent = reusedAgent(options.agent);
  const headers: Record<string, string> = {
    ...(options.headers as Record<string, string>),
    accept: "application/json",
  };
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
  if (payload !== undefined) {
    headers["content-type"] = req.contentType ?? "application/json";
    // Said, not chunked: Node does not frame a DELETE's body by default, so without its length the
    // server read it as the start of the next request on a reused connection (and ignored it before).
    headers["content-length"] = String(Buffer.byteLength(payload));
  }
  // A signal of its own, let go of when the request ends: many requests share a command's signal.
  const own = req.signal ? signalFor(req.signal) : undefined;
  return new Promise<T>((resolve, reject) => {
    const r = request(url, { ...options, headers, ...(own ? { signal: own.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 0;
        const json = (res.headers["content-type"] ?? "").includes("json");
        if (status >= 200 && status < 300) return resolve((json && text ? JSON.parse(text) : text) as T);
        let reason = "Unknown";
        let message = text.slice(0, 500);
        try {
          const parsed = JSON.parse(text) as { reason?: string; message?: string };
          reason = parsed.reason ?? reason;
          message = parsed.message ?? message;
        } catch {
          // not a Status object
        }
        reject(new KubernetesApiError(status, reason, message, req.path));
      });
      res.on("error", reject);
    });
    r.on("error", reject);
    if (payload !== undefined) r.write(payload);
    r.end();
  }).finally(() => own?.release());
}
