import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { hostname, networkInterfaces } from "node:os";
import { serve } from "@hono/node-server";
import { dashboardApp } from "./app.ts";
import type { Dashboard } from "./dashboard.ts";

export interface RunningDashboard {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const wildcard = (address: string): boolean => address === "0.0.0.0" || address === "::";
/** Only this machine can reach it: 127.0.0.0/8, ::1, localhost. */
export const loopback = (address: string): boolean =>
  /^127\.\d+\.\d+\.\d+$/.test(address) || address === "::1" || address === "localhost";
const hostPart = (address: string): string => (address.includes(":") ? `[${address}]` : address);

/** The Host values a browser sends to this server: its address, and localhost's names for it. */
function hostsFor(address: string, port: number): string[] {
  const names = new Set([address]);
  if (loopback(address) || wildcard(address)) for (const n of ["127.0.0.1", "localhost", "::1"]) names.add(n);
  if (wildcard(address)) {
    names.add(hostname());
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.add(i.address);
  }
  return [...names].map((n) => `${hostPart(n)}:${port}`);
}

/** Starts the HTTP server (port 0: any free one) once the cache answered its first LISTs. */
export async function startDashboard(
  options: Omit<Dashboard, "hosts" | "secure"> & {
    readonly address: string;
    readonly port: number;
    /** PEM key and certificate: served over HTTPS (and the session cookie is Secure). */
    readonly tls?: { readonly key: string; readonly cert: string };
  },
): Promise<RunningDashboard> {
  await options.cache.start();
  let hosts: string[] = [];
  const tls = options.tls;
  const app = dashboardApp({
    ...options,
    secure: tls !== undefined,
    get hosts() {
      return hosts;
    },
  });
  return new Promise((resolve, reject) => {
    const listen = { fetch: app.fetch, hostname: options.address, port: options.port };
    const started = (info: AddressInfo): void => {
      const port = info.port;
      hosts = hostsFor(options.address, port);
      resolve({
        url: `${tls ? "https" : "http"}://${hostPart(wildcard(options.address) ? "127.0.0.1" : options.address)}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            options.cache.stop();
            server.close(() => done());
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    };
    const server = tls
      ? serve(
          { ...listen, createServer: createHttpsServer, serverOptions: { key: tls.key, cert: tls.cert } },
          started,
        )
      : serve(listen, started);
    server.on("error", reject);
  });
}
