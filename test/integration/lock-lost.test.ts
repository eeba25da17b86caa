// Losing the lock, with two real deploy processes: the first is paused (SIGSTOP) for longer
// than its lease, as if the API server had been out of reach; the second, waiting with
// --wait-for-lock, takes the expired lock over and is paused in turn, holding it. When the first
// comes back it must notice, stop before its next write, say it lost the lock, and leave the
// second's Lease as it was; then the second finishes the deploy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { readDeployJournal } from "../../src/procedure/deploy-journal.ts";
import { lockName, type LeaseObject } from "../../src/procedure/lock.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { platform } from "../support/platform.ts";
import { startSlipway, type RunningSlipway } from "../support/slipway-process.ts";

const project = isolatedExample("lock-lost", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const store = new ReleaseStore(cluster, project.namespace);
const deploy = ["deploy", "auth", "mail", "--env", "dev", "--yes", "--timeout", "60s", "--lock-lease", "6s"];

const start = (...extra: string[]): RunningSlipway => startSlipway(project.config, ...deploy, ...extra);

afterAll(() => removeExample(project.namespace));

describe("a deploy that loses its lock", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stderr).toBe(0);
  });

  it("stops before its next write and says so, while the deploy that took the lock over finishes", async () => {
    project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "0.9.3"');
    await publishDefinedVersions(project.config);
    const first = start();
    await first.until(/mail: rollout: /);
    const firstJournal = await readDeployJournal(cluster, project.namespace);
    first.child.kill("SIGSTOP");
    const second = start("--wait-for-lock");
    let held: LeaseObject | undefined;
    try {
      await second.until(/took over the lock from .*pid \d+/);
      // The second holds the lock while the first comes back: if the first removed a Lease no
      // longer its own, this one would be gone (or changed) when the first has stopped.
      second.child.kill("SIGSTOP");
      held = (await cluster.get("Lease", lockName, project.namespace)) as LeaseObject | undefined;
      expect(held?.spec?.holderIdentity).toMatch(new RegExp(`pid ${second.child.pid} \\(`));
    } finally {
      first.child.kill("SIGCONT");
    }
    let code: number;
    try {
      code = await first.exited;
      expect(await cluster.get("Lease", lockName, project.namespace)).toEqual(held);
    } finally {
      second.child.kill("SIGCONT");
    }
    expect(code, first.stderr()).toBe(1);
    expect(first.stderr()).toMatch(
      /error: lost the deploy lock: .*pid \d+ \(\w+\) holds it now; this deploy stopped before its next write/,
    );
    expect(first.stderr()).not.toMatch(/Traceback|\n\s+at /);
    expect(await second.exited, second.stderr()).toBe(0);
    expect(second.stderr()).toMatch(/mail: resuming revision 2, interrupted after: .*apply\n/);
    const secondJournal = await readDeployJournal(cluster, project.namespace);

    // Nothing the first deploy did after losing the lock: one record step, the second's.
    const release = await store.get("mail", 2);
    expect(release.status).toBe("deployed");
    expect(release.steps.filter((s) => s.step === "record")).toHaveLength(1);
    expect(release.steps.at(-1)?.step).toBe("record");
    const plan = await slipway(project.config, "plan", "--env", "dev", "auth", "mail", "--detailed-exitcode");
    expect(plan.code, plan.stdout).toBe(0);
    // The deploy journal others follow is the second's, done: the first never wrote over it.
    expect(secondJournal).toMatchObject({ status: "done" });
    expect(secondJournal?.id).not.toBe(firstJournal?.id);
    expect(await readDeployJournal(cluster, project.namespace)).toEqual(secondJournal);
    // The first deploy did not remove a lock that was no longer its own; none is left behind.
    const lease = await cluster.get("Lease", lockName, project.namespace);
    expect(lease).toBeUndefined();
  });
});
