import { join } from "node:path";
import { PlatformError } from "./errors.ts";
import { ensureBinaries } from "./build/binaries.ts";
import { ensureElasticsearch } from "./build/elasticsearch.ts";
import { defaultLayout, logPath, pidPath, type Layout } from "./layout.ts";
import { allParts } from "./parts/index.ts";
import { adminContexts, controlPlanes } from "./parts/control-plane.ts";
import { CoreV1Api } from "@kubernetes/client-node";
import { adminKubeconfigPath, planeAdminKubeConfig, writeAdminKubeconfig } from "./parts/kube-identities.ts";
import { checkPrograms, type Part, type PartContext } from "./parts/part.ts";
import { acquireLock } from "./process/lock.ts";
import { describePortOwner, isPortTaken } from "./process/ports.ts";
import { ensureServiceUser } from "./process/service-user.ts";
import { isAlive, readRecord, startProcess, stopProcess } from "./process/supervisor.ts";
import { waitUntil } from "./process/wait.ts";
import { formatElapsed, stderrProgress, type Progress } from "./progress.ts";
import { ensurePki, ensureSecrets, readSecrets } from "./secrets.ts";
import { host, versions } from "./versions.ts";
import { writeConnection } from "./connection.ts";
import { containerdPartName } from "./parts/node/containerd.ts";
import { ensureNodeNetwork } from "./parts/node/network.ts";

export interface PartStatus {
  readonly name: string;
  readonly state: "up" | "down" | "unhealthy";
  readonly address: string;
  readonly version: string;
  readonly pid?: number;
}

export interface UpOptions {
  readonly layout?: Layout;
  readonly progress?: Progress;
  readonly signal?: AbortSignal;
  /** The parts to bring up, in dependency order; every part of the platform unless a test says otherwise. */
  readonly parts?: readonly Part[];
}

/** Held by `up` and `down` for their whole run: a second one waits instead of racing the first. */
export const platformLockPath = (layout: Layout): string => join(layout.stateDir, "platform.lock");
/** Held while building into the cache, which platforms in other state folders may share. */
export const buildLockPath = (layout: Layout): string => join(layout.cacheDir, "build.lock");

/** Runs `work` holding a lock, saying whom it waits for and that it goes on once they are done. */
async function locked<T>(
  lock: {
    readonly path: string;
    readonly what: string;
    readonly progress: Progress;
    readonly signal?: AbortSignal;
  },
  work: () => Promise<T>,
): Promise<T> {
  let waited = false;
  const release = await acquireLock(lock.path, {
    what: lock.what,
    signal: lock.signal,
    onWait: (holder) => {
      waited = true;
      lock.progress.step(`waiting for another \`${holder.what}\` (pid ${holder.pid}) to finish`);
    },
  });
  if (waited) lock.progress.step(`the other run has finished; going on with \`${lock.what}\``);
  try {
    return await work();
  } finally {
    release();
  }
}

/**
 * Brings every part up, or reports the one that is already up. Idempotent.
 * One `up` at a time per state folder: a second waits for the first (the platform lock), then
 * finds its parts up. Every program the parts to start run is checked before any starts, and
 * if any part fails, the parts this call started are stopped again, so a failed `up` leaves the
 * machine as it found it.
 */
export async function up(options: UpOptions = {}): Promise<PartStatus[]> {
  const layout = options.layout ?? defaultLayout();
  const progress = options.progress ?? stderrProgress;
  return locked(
    { path: platformLockPath(layout), what: "platform up", progress, signal: options.signal },
    () => upLocked(layout, progress, options),
  );
}

async function upLocked(layout: Layout, progress: Progress, options: UpOptions): Promise<PartStatus[]> {
  const parts = options.parts ?? allParts;
  const started = Date.now();
  const serviceUser = ensureServiceUser();
  const [binaries, elasticsearchHome] = await locked(
    { path: buildLockPath(layout), what: "platform up", progress, signal: options.signal },
    () =>
      Promise.all([
        ensureBinaries(layout.cacheDir, progress),
        ensureElasticsearch(layout.cacheDir, versions.elasticsearch, progress),
      ]),
  );
  // The real node's bridge is the address pods reach PostgreSQL and Elasticsearch on: first.
  if (parts.some((part) => part.name === containerdPartName)) ensureNodeNetwork();
  // The other control planes' CAs and keys; the first plane's are the context's `pki`.
  for (const plane of controlPlanes) if (plane.name !== "local") ensurePki(layout, plane.name);
  const ctx: PartContext = {
    layout,
    secrets: ensureSecrets(layout),
    pki: ensurePki(layout),
    serviceUser,
    progress,
    binaries,
    elasticsearchHome,
  };

  // Before anything starts: a missing program fails here, with nothing to stop again.
  checkPrograms(
    parts.filter((part) => {
      const record = readRecord(pidPath(layout, part.name));
      return !(record && isAlive(record));
    }),
    ctx,
  );

  const startedHere: Part[] = [];
  const done = new Map<string, Promise<void>>();
  const bringUp = (part: Part): Promise<void> => {
    let promise = done.get(part.name);
    if (!promise) {
      promise = (async () => {
        await Promise.all(part.dependsOn.map((dep) => bringUp(partNamed(parts, dep))));
        await startPart(part, ctx, startedHere, options.signal);
      })();
      done.set(part.name, promise);
    }
    return promise;
  };
  const results = await Promise.allSettled(parts.map(bringUp));
  const failures = results
    .filter((r): r is PromiseRejectedResult => r.status === "rejected")
    .map((r) => r.reason as unknown);
  if (failures.length > 0) {
    if (startedHere.length > 0) {
      progress.step(`stopping what this run started: ${startedHere.map((p) => p.name).join(", ")}`);
      for (const part of [...startedHere].reverse()) await stopProcess(pidPath(layout, part.name));
    }
    throw failures.find((f) => f instanceof PlatformError) ?? failures[0];
  }
  // An API server that was already up did not rewrite it: the kubeconfig gains any context it lacks.
  writeAdminKubeconfig(ctx);
  writeConnection(layout);
  progress.step(
    `platform up in ${formatElapsed(Date.now() - started)}; kubeconfig: ${adminKubeconfigPath(ctx)} (contexts ${adminContexts.join(", ")})`,
  );
  return status({ layout, parts });
}

/**
 * Stops one part, leaving the others running (fault tests: an API server that goes away);
 * `up` starts it again.
 */
export async function stopPart(name: string, options: { layout?: Layout } = {}): Promise<void> {
  const part = allParts.find((p) => p.name === name);
  if (!part)
    throw new PlatformError(name, "no such part", {
      hint: `the parts: ${allParts.map((p) => p.name).join(", ")}`,
    });
  await stopProcess(pidPath(options.layout ?? defaultLayout(), part.name));
}

function partNamed(parts: readonly Part[], name: string): Part {
  const part = parts.find((p) => p.name === name);
  if (!part) throw new Error(`internal: unknown part ${name}`);
  return part;
}

export async function startPart(
  part: Part,
  ctx: PartContext,
  startedHere: Part[],
  signal?: AbortSignal,
): Promise<void> {
  const log = logPath(ctx.layout, part.name);
  const pidFile = pidPath(ctx.layout, part.name);
  const record = readRecord(pidFile);
  const t0 = Date.now();
  if (record && isAlive(record)) {
    const ok = await waitUntil(() => part.healthy(ctx), {
      timeoutMs: part.startTimeoutMs,
      stillAlive: () => isAlive(record),
      signal,
    });
    if (!ok) {
      throw new PlatformError(part.name, `running (PID ${record.pid}) but not healthy at ${part.address}`, {
        logPath: log,
        hint: "`npm run platform -- down` then `up` restarts it",
      });
    }
    if (part.afterStart) await part.afterStart(ctx);
    ctx.progress.step(`✓ ${part.name.padEnd(32)} ${part.address}  (already up, PID ${record.pid})`);
    return;
  }
  for (const port of part.ports) {
    if (await isPortTaken(host, port)) {
      const owner = await describePortOwner(port);
      throw new PlatformError(
        part.name,
        `port ${host}:${port} is already taken${owner ? ` by ${owner}` : ""}`,
        {
          hint: "stop whatever listens there, or run `npm run platform -- status` to see if an earlier platform is still up",
        },
      );
    }
  }
  await part.prepare(ctx);
  const launch = part.launch(ctx);
  let started;
  try {
    started = startProcess({
      executable: launch.executable,
      args: launch.args,
      env: launch.env,
      logPath: log,
      pidPath: pidFile,
      marker: launch.marker,
      ...(launch.asServiceUser ? { uid: ctx.serviceUser.uid, gid: ctx.serviceUser.gid } : {}),
    });
  } catch (error) {
    const message = (error as Error).message;
    throw new PlatformError(
      part.name,
      message.includes(launch.executable) ? message : `cannot start ${launch.executable}: ${message}`,
      { logPath: log, hint: part.install },
    );
  }
  startedHere.push(part);
  const healthy = await waitUntil(() => part.healthy(ctx), {
    timeoutMs: part.startTimeoutMs,
    stillAlive: () => started.exit.status === undefined,
    signal,
  });
  if (!healthy) {
    const status = started.exit.status;
    const how = status
      ? status.signal
        ? `was killed by ${status.signal}`
        : `exited with code ${status.code}`
      : "";
    throw new PlatformError(
      part.name,
      status
        ? `${launch.executable} ${how} during start-up`
        : `not healthy at ${part.address} after ${formatElapsed(part.startTimeoutMs)}`,
      { logPath: log },
    );
  }
  if (part.afterStart) await part.afterStart(ctx);
  ctx.progress.step(
    `✓ ${part.name.padEnd(32)} ${part.address}  (${formatElapsed(Date.now() - t0)}, PID ${started.pid})`,
  );
}

/** Stops exactly the processes `up` recorded, in reverse dependency order. */
export async function down(options: { layout?: Layout; progress?: Progress } = {}): Promise<void> {
  const layout = options.layout ?? defaultLayout();
  const progress = options.progress ?? stderrProgress;
  // Not in the middle of an `up`: it would start what this stops.
  await locked({ path: platformLockPath(layout), what: "platform down", progress }, async () => {
    for (const part of [...allParts].reverse()) {
      const record = readRecord(pidPath(layout, part.name));
      const result = await stopProcess(pidPath(layout, part.name));
      part.afterStop?.(layout);
      progress.step(
        result === "stopped"
          ? `■ ${part.name.padEnd(32)} stopped (PID ${record?.pid})`
          : `· ${part.name.padEnd(32)} was not running`,
      );
    }
  });
}

/** Each part: up/down/unhealthy, address, version (asked of the live server where it can tell), PID. */
export async function status(
  options: { layout?: Layout; parts?: readonly Part[] } = {},
): Promise<PartStatus[]> {
  const layout = options.layout ?? defaultLayout();
  const secrets = readSecrets(layout);
  return Promise.all(
    (options.parts ?? allParts).map(async (part): Promise<PartStatus> => {
      const record = readRecord(pidPath(layout, part.name));
      const alive = record !== undefined && isAlive(record);
      if (!alive || !secrets) return { name: part.name, state: "down", address: part.address, version: "-" };
      const ctx: PartContext = {
        layout,
        secrets,
        pki: ensurePki(layout),
        serviceUser: { uid: 0, gid: 0, name: "" },
        progress: stderrProgress,
      };
      const healthy = await part.healthy(ctx).catch(() => false);
      const version = healthy ? await part.version(ctx).catch(() => "?") : "-";
      return {
        name: part.name,
        state: healthy ? "up" : "unhealthy",
        address: part.address,
        version,
        pid: record.pid,
      };
    }),
  );
}

export interface NodeStatus {
  readonly name: string;
  /** The control plane it belongs to (`local`, `rancher`). */
  readonly cluster: string;
  /** real: a kubelet that runs containers; simulated: KWOK's. */
  readonly kind: "real" | "simulated";
  readonly ready: boolean;
  readonly runtime: string;
  readonly kubelet: string;
}

/** Every node of every plane, real or simulated, Ready or not; a plane that is down lists none. */
export async function nodes(options: { layout?: Layout } = {}): Promise<NodeStatus[]> {
  const layout = options.layout ?? defaultLayout();
  const secrets = readSecrets(layout);
  if (!secrets) return [];
  const ctx = { layout, secrets, pki: ensurePki(layout) };
  const perPlane = await Promise.all(
    controlPlanes.map(async (plane) => {
      const core = planeAdminKubeConfig(ctx, plane).makeApiClient(CoreV1Api);
      const list = await core.listNode().catch(() => undefined);
      return (list?.items ?? []).map((node): NodeStatus => ({
        name: node.metadata?.name ?? "?",
        cluster: plane.name,
        kind: node.metadata?.annotations?.["kwok.x-k8s.io/node"] === "fake" ? "simulated" : "real",
        ready: node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
        runtime: node.status?.nodeInfo?.containerRuntimeVersion ?? "-",
        kubelet: node.status?.nodeInfo?.kubeletVersion ?? "-",
      }));
    }),
  );
  return perPlane.flat();
}
