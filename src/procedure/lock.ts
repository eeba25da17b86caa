import { hostname, userInfo } from "node:os";
import { randomBytes } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";
import { sleep } from "../util/sleep.ts";

export const lockName = "slipway-deploy-lock";

/** A lease lasts this long unless renewed (slipway deploy --lock-lease). */
const defaultLeaseSeconds = 30;

/** The deploy lock's Lease, as the API returns it. */
export interface LeaseObject extends KubernetesObject {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string };
}

/** Who holds the lock, parsed back from the Lease's holder identity. */
export interface Holder {
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  readonly id: string;
}

export class LockHeld extends Error {
  constructor(
    readonly holder: string,
    readonly since: string,
    readonly expiresInSeconds: number,
  ) {
    super(
      `another deploy holds the lock: ${holder}, since ${since} (expires in ${expiresInSeconds}s unless renewed)`,
    );
    this.name = "LockHeld";
  }
}

/** This deploy no longer holds the lock it took: it must not write again. */
export class LockLost extends Error {
  constructor(readonly reason: string) {
    super(`lost the deploy lock: ${reason}`);
    this.name = "LockLost";
  }
}

export interface LockOptions {
  readonly leaseSeconds?: number;
  /** Wait for the holder to finish instead of stopping at once. */
  readonly wait?: boolean;
  readonly signal?: AbortSignal;
  readonly onWait?: (held: LockHeld) => void;
}

/** Leases use MicroTime: six fractional digits. */
const microTime = (date = new Date()): string => date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");

const identity = (id: string): string => `${userInfo().username}@${hostname()} pid ${process.pid} (${id})`;

export function parseHolder(text: string): Holder | undefined {
  const m = /^(.+)@(.+) pid (\d+) \((\w+)\)$/.exec(text);
  return m ? { user: m[1] ?? "", host: m[2] ?? "", pid: Number(m[3]), id: m[4] ?? "" } : undefined;
}

/** A holder on this machine whose process is gone: its lock is stale, whatever the clock says. */
export function holderIsDeadHere(text: string): boolean {
  const holder = parseHolder(text);
  if (!holder || holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** When a lease lapses unless renewed (ms since the epoch). */
const leaseExpiresAt = (lease: LeaseObject, defaultSeconds: number): number =>
  Date.parse(lease.spec?.renewTime ?? lease.spec?.acquireTime ?? "1970-01-01T00:00:00Z") +
  (lease.spec?.leaseDurationSeconds ?? defaultSeconds) * 1000;

/**
 * Who holds the environment's lock and is still alive: the lease renewed within its duration,
 * and its process not known dead on this machine. Undefined when no deploy runs there now.
 */
export async function liveHolder(cluster: Cluster, namespace: string): Promise<string | undefined> {
  const lease = (await cluster.get("Lease", lockName, namespace)) as LeaseObject | undefined;
  const holder = lease?.spec?.holderIdentity;
  if (!lease || !holder || holderIsDeadHere(holder)) return undefined;
  return Date.now() > leaseExpiresAt(lease, defaultLeaseSeconds) ? undefined : holder;
}

/**
 * One deploy per environment: a coordination.k8s.io Lease in the namespace, renewed while
 * held. An expired lease (or one whose holder died on this machine) is taken over.
 */
export class DeployLock {
  private timer: NodeJS.Timeout | undefined;
  private readonly id = randomBytes(4).toString("hex");
  private readonly leaseSeconds: number;
  /** When the server last confirmed the lease is ours. */
  private confirmedAt = 0;
  private lostBecause: LockLost | undefined;
  private renewing: Promise<void> | undefined;
  private readonly lostController = new AbortController();
  /** Aborts when the lock is lost, with the LockLost as its reason: work in flight stops. */
  readonly lost: AbortSignal = this.lostController.signal;

  constructor(
    private readonly cluster: Cluster,
    private readonly namespace: string,
    options: { leaseSeconds?: number } = {},
  ) {
    this.leaseSeconds = options.leaseSeconds ?? defaultLeaseSeconds;
  }

  get holderIdentity(): string {
    return identity(this.id);
  }

  async acquire(options: LockOptions = {}): Promise<{ tookOverFrom?: string }> {
    for (;;) {
      try {
        const result = await this.tryAcquire();
        this.confirmedAt = Date.now();
        // A failed renewal is retried on the next tick; only a lease that may have expired, or
        // that someone else now holds, counts as lost.
        this.timer = setInterval(
          () => void this.renew().catch((error: Error) => this.renewalFailed(error)),
          (this.leaseSeconds * 1000) / 3,
        );
        this.timer.unref();
        return result;
      } catch (error) {
        if (!(error instanceof LockHeld) || !options.wait) throw error;
        options.onWait?.(error);
        await sleep(2000, options.signal);
      }
    }
  }

  private async tryAcquire(): Promise<{ tookOverFrom?: string }> {
    const now = microTime();
    const lease = (await this.cluster.get("Lease", lockName, this.namespace)) as LeaseObject | undefined;
    const spec = {
      holderIdentity: this.holderIdentity,
      leaseDurationSeconds: this.leaseSeconds,
      acquireTime: now,
      renewTime: now,
    };
    if (!lease) {
      try {
        await this.cluster.create({
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: {
            name: lockName,
            namespace: this.namespace,
            labels: { "app.kubernetes.io/managed-by": "slipway" },
          },
          spec,
        } as LeaseObject);
        return {};
      } catch (error) {
        if (error instanceof KubernetesApiError && error.status === 409) return this.tryAcquire();
        throw error;
      }
    }
    const holder = lease.spec?.holderIdentity;
    const expiresAt = leaseExpiresAt(lease, this.leaseSeconds);
    const stale = !holder || Date.now() > expiresAt || holderIsDeadHere(holder);
    if (!stale)
      throw new LockHeld(
        holder,
        lease.spec?.acquireTime ?? "unknown",
        Math.max(0, Math.round((expiresAt - Date.now()) / 1000)),
      );
    // Optimistic concurrency: the PUT carries the resourceVersion we read, so two takers cannot both win.
    try {
      await this.cluster.replace({ ...lease, spec } as LeaseObject);
    } catch (error) {
      if (error instanceof KubernetesApiError && error.status === 409) return this.tryAcquire();
      throw error;
    }
    return holder ? { tookOverFrom: holder } : {};
  }

  /**
   * One renewal at a time: the timer's and a write's check share it. Two at once read the same
   * resourceVersion, and the loser's conflict would look like a failed renewal.
   */
  private renew(): Promise<void> {
    this.renewing ??= this.renewOnce().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renewOnce(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.lostBecause) return;
      const lease = (await this.cluster.get("Lease", lockName, this.namespace)) as LeaseObject | undefined;
      if (!lease) return this.lose("the Lease was deleted (slipway unlock --force?)");
      const holder = lease.spec?.holderIdentity;
      if (holder !== this.holderIdentity) return this.lose(`${holder ?? "nobody"} holds it now`);
      try {
        await this.cluster.replace({
          ...lease,
          spec: { ...lease.spec, renewTime: microTime() },
        } as LeaseObject);
        this.confirmedAt = Date.now();
        return;
      } catch (error) {
        // A conflict says only that the Lease changed since the read (a renewal whose answer
        // was lost, say): read it again and see who holds it before calling it lost.
        if (!(error instanceof KubernetesApiError && error.status === 409) || attempt >= 3) throw error;
      }
    }
  }

  private renewalFailed(error: Error): void {
    if (this.lostBecause) return;
    if (Date.now() - this.confirmedAt >= this.leaseSeconds * 1000)
      this.lose(
        `it could not be renewed for ${this.leaseSeconds}s, so another deploy may have taken it (${error.message})`,
      );
  }

  private lose(reason: string): void {
    this.lostBecause ??= new LockLost(reason);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.lostController.abort(this.lostBecause);
  }

  /**
   * Before a write: throws LockLost unless the lock is still ours. When the last confirmation is
   * older than a third of the lease (renewals failing, or this process was paused), it asks
   * the server first.
   */
  async ensureHeld(): Promise<void> {
    if (!this.lostBecause && Date.now() - this.confirmedAt > (this.leaseSeconds * 1000) / 3) {
      try {
        await this.renew();
      } catch (error) {
        // Within the lease a failed renewal is not yet a loss: the write itself will tell.
        this.renewalFailed(error as Error);
      }
    }
    if (this.lostBecause) throw this.lostBecause;
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.lostBecause) return; // someone else's now: never delete it
    const lease = (await this.cluster.get("Lease", lockName, this.namespace)) as LeaseObject | undefined;
    if (lease?.spec?.holderIdentity === this.holderIdentity)
      await this.cluster.delete("Lease", lockName, this.namespace);
  }
}

/** Removes the lock whoever holds it, and leaves an Event saying who did it and whom it removed. */
export async function forceUnlock(
  cluster: Cluster,
  namespace: string,
  by: string,
): Promise<string | undefined> {
  const lease = (await cluster.get("Lease", lockName, namespace)) as LeaseObject | undefined;
  if (!lease) return undefined;
  await cluster.delete("Lease", lockName, namespace);
  const holder = lease.spec?.holderIdentity ?? "nobody";
  const now = new Date().toISOString();
  await cluster.create({
    apiVersion: "v1",
    kind: "Event",
    metadata: { generateName: "slipway-unlock-", namespace },
    involvedObject: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", name: lockName, namespace },
    reason: "SlipwayUnlockForced",
    message: `${by} removed the deploy lock held by ${holder}`,
    type: "Warning",
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    source: { component: "slipway" },
  } as KubernetesObject);
  return holder;
}
