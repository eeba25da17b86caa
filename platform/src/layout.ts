import { homedir } from "node:os";
import { join } from "node:path";
import { isRoot } from "./process/service-user.ts";

/**
 * Where the platform keeps its builds (cache, kept across runs, keyed by version)
 * and its running state (data, logs, PIDs, credentials).
 *
 * As root the defaults live under /var: Elasticsearch and PostgreSQL refuse to run
 * as root, so they run as an unprivileged user, which cannot enter /root.
 */
export interface Layout {
  readonly cacheDir: string;
  readonly stateDir: string;
}

export function defaultLayout(env: NodeJS.ProcessEnv = process.env): Layout {
  const cacheDir =
    env.SLIPWAY_CACHE_DIR ??
    (isRoot() ? "/var/cache/slipway" : join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "slipway"));
  const stateDir =
    env.SLIPWAY_PLATFORM_DIR ??
    (isRoot()
      ? "/var/lib/slipway/platform"
      : join(env.XDG_STATE_HOME ?? join(homedir(), ".local", "state"), "slipway", "platform"));
  return { cacheDir, stateDir };
}

export const partDir = (layout: Layout, part: string): string => join(layout.stateDir, part);
export const logPath = (layout: Layout, part: string): string => join(layout.stateDir, "logs", `${part}.log`);
export const pidPath = (layout: Layout, part: string): string =>
  join(layout.stateDir, "pids", `${part}.json`);
