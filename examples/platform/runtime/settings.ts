// Everything the runtime reads from its environment, in one place: the variables and the files.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { faultVariable, parseFaults, type Fault } from "./faults.ts";

export interface Settings {
  /** The service's version, from VERSION beside main.js (/srv/<service>/VERSION). */
  readonly version: string;
  /** The folder main.js is in: /srv/<service> in the image. */
  readonly home: string;
  /** The image's root as seen from main.js (/ in the image; an exported filesystem's folder on a host). */
  readonly root: string;
  readonly port: number;
  readonly databaseUrl: string | undefined;
  readonly auditUrl: string | undefined;
  readonly auditIndexPrefix: string;
  readonly namespace: string | undefined;
  readonly smokeTestUrl: string | undefined;
  readonly faults: ReadonlySet<Fault>;
  /** After SIGTERM, how long kept-alive connections are still answered (each then closed). */
  readonly shutdownLingerMs: number;
}

/** Where Kubernetes mounts the pod's namespace when a ServiceAccount token is mounted. */
export const namespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/** Reads the settings; `mainFile` is the program's own path (process.argv[1]). */
export function readSettings(
  env: Readonly<Record<string, string | undefined>>,
  mainFile: string,
  files: { exists: (path: string) => boolean; read: (path: string) => string } = {
    exists: existsSync,
    read: (path) => readFileSync(path, "utf8"),
  },
): Settings {
  const home = dirname(mainFile);
  const versionFile = join(home, "VERSION");
  const port = Number(env.PORT ?? 8080);
  // 0: any free port (tests); the program prints the one it got.
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port, not "${env.PORT}"`);
  const namespace =
    env.POD_NAMESPACE || (files.exists(namespaceFile) ? files.read(namespaceFile).trim() : undefined);
  return {
    version: files.exists(versionFile) ? files.read(versionFile).trim() : "unknown",
    home,
    root: join(home, "..", ".."),
    port,
    databaseUrl: env.DATABASE_URL || undefined,
    auditUrl: env.AUDIT_URL ? env.AUDIT_URL.replace(/\/+$/, "") : undefined,
    auditIndexPrefix: env.AUDIT_INDEX_PREFIX ?? "",
    namespace: namespace || undefined,
    // SLIPWAY_TARGET_URL: set by Slipway on a canary's verification Jobs (its canary Service).
    smokeTestUrl: targetUrl(env.SMOKE_TEST_URL ?? env.SLIPWAY_TARGET_URL),
    faults: parseFaults(env[faultVariable]),
    shutdownLingerMs: lingerOf(env.SHUTDOWN_LINGER_MS),
  };
}

/** SHUTDOWN_LINGER_MS: default 5000 (longer than a client's keep-alive timeout); 0 for tests. */
function lingerOf(value: string | undefined): number {
  if (value === undefined || value === "") return 5000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0)
    throw new Error(`SHUTDOWN_LINGER_MS must be a number of milliseconds, not "${value}"`);
  return ms;
}

const targetUrl = (url: string | undefined): string | undefined =>
  url ? url.replace(/\/+$/, "") : undefined;
