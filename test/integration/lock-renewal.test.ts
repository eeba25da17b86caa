// The deploy lock on a slow machine: a process that was held up past its lease (a loaded CI
// runner, a long pause) renews from the timer and from a write's check at the same moment.
// The two renewals must not read the same Lease and conflict: a conflict is not a lost lock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { DeployLock } from "../../src/procedure/lock.ts";
import { platform, withNamespace } from "../support/platform.ts";

const cluster = Cluster.open("local", platform.kubeconfig);
let ns: Awaited<ReturnType<typeof withNamespace>>;
beforeAll(async () => {
  ns = await withNamespace("lock-renewal");
});
afterAll(async () => ns?.remove());

/** Holds the event loop, as a loaded machine does: no timer, no answer is handled meanwhile. */
const holdUp = (ms: number): void => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};

describe("the deploy lock", () => {
  it("stays held when renewals meet after the process was held up past its lease", async () => {
    const lock = new DeployLock(cluster, ns.name, { leaseSeconds: 2 });
    await lock.acquire();
    try {
      for (let round = 0; round < 5; round++) {
        holdUp(2200);
        // The overdue timer tick and these checks all want a renewal now.
        await Promise.all([lock.ensureHeld(), lock.ensureHeld(), lock.ensureHeld()]);
      }
      expect(lock.lost.aborted).toBe(false);
      await expect(lock.ensureHeld()).resolves.toBeUndefined();
    } finally {
      await lock.release();
    }
    expect(await cluster.get("Lease", "slipway-deploy-lock", ns.name)).toBeUndefined();
  });
});
