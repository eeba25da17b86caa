import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Agent, request, type RequestOptions } from "node:https";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { requestKey } from "./request-key.ts";

/**
 * A plain-HTTP proxy on loopback in front of one context's API server, counting every request by
 * what it does: for a tool that cannot log its own requests (kapp). The proxy adds the context's
 * credentials, so the tool's kubeconfig holds none.
 */
export interface CountingProxy {
  /** A kubeconfig (YAML) for the tool: one context, `bench`, pointing at the proxy. */
  readonly kubeconfig: string;
  /** Request keys since the last take, then forgotten. */
  take(): string[];
  close(): Promise<void>;
}

export async function startCountingProxy(kubeconfigPath: string, context: string): Promise<CountingProxy> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  kc.setCurrentContext(context);
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error(`kubeconfig context "${context}" names no cluster`);
  const upstream = new URL(server);
  const tls: RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(tls);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: Infinity,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
  });
  let keys: string[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", upstream);
    keys.push(requestKey(req.method ?? "GET", url.pathname, url.searchParams));
    const headers = { ...req.headers, ...(tls.headers as Record<string, string>), host: upstream.host };
    const out = request(url, { method: req.method, headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on("error", (error) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
    // The tool went away mid-answer (a watch it stopped): so does the request upstream.
    res.on("close", () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  };
  const http = createServer(forward);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    kubeconfig: [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: bench\n  cluster:\n    server: http://127.0.0.1:${port}`,
      "users:",
      "- name: bench\n  user: {}",
      "contexts:",
      "- name: bench\n  context:\n    cluster: bench\n    user: bench",
      "current-context: bench",
      "",
    ].join("\n"),
    take: () => {
      const taken = keys;
      keys = [];
      return taken;
    },
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      agent.destroy();
    },
  };
}
