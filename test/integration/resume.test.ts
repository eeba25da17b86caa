import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  removeExample,
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { startSlipway } from "../support/slipway-process.ts";

const project = isolatedExample("resume", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const store = new ReleaseStore(cluster, project.namespace);

/** Runs `slipway deploy` as its own process and SIGKILLs it once stderr shows `marker`. */
async function deployKilledAt(marker: RegExp): Promise<{ killed: boolean; stderr: string }> {
  await publishDefinedVersions(project.config);
  const deploy = startSlipway(project.config, "deploy", "--env", "dev", "--yes");
  const killed = await deploy.until(marker).then(
    () => deploy.child.kill("SIGKILL"),
    () => false,
  );
  await deploy.exited;
  return { killed, stderr: deploy.stderr() };
}

/** The killed deploy got as far as recording this version. */
const recordedAlready = async (version: string): Promise<boolean> =>
  (await store.summaries("auth")).some((h) => h.version === version && h.status === "deployed");

afterAll(() => removeExample(project.namespace));

describe("a deploy killed with SIGKILL", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
    const r = await slipway(project.config, "deploy", "--env", "dev", "--yes");
    expect(r.code, r.stderr).toBe(0);
  });

  // Where to kill, and what the re-run must say it resumes (nothing when no release was begun).
  const points: [string, RegExp, RegExp | undefined][] = [
    ["after printing the plan, before any change", /Steps\n/, undefined],
    [
      "right after applying the first service",
      /: applied \d+ object\(s\)/,
      /auth: resuming revision \d+, interrupted after: gate, check-migrations, migrate, apply\n/,
    ],
    [
      "after the first rollout, before pruning and recording",
      /: rolled out: /,
      /auth: resuming revision \d+, interrupted after: gate, check-migrations, migrate, apply, rollout\n/,
    ],
  ];
  let current = "1.0.0";
  points.forEach(([when, marker, resumes], i) => {
    it(`converges when run again (killed ${when})`, async () => {
      const nextVersion = (attempt: number): string => {
        const to = `1.0.${i + 1}${attempt ? `-${attempt}` : ""}`;
        project.edit("services/auth/service.ts", `version: "${current}"`, `version: "${to}"`);
        current = to;
        return to;
      };
      let to = nextVersion(0);
      let killed = await deployKilledAt(marker);
      // The SIGKILL is sent once the marker is read, and the release is recorded a few requests
      // after it is printed: when the kill lands after that, nothing is left to resume, so the
      // point is tried again with another version (at most twice more).
      for (let attempt = 1; attempt <= 2 && (await recordedAlready(to)); attempt++) {
        to = nextVersion(attempt);
        killed = await deployKilledAt(marker);
      }
      expect(killed.killed, killed.stderr).toBe(true);

      const again = await slipway(project.config, "deploy", "--env", "dev", "--yes");
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).not.toContain("another deploy holds the lock");
      if (resumes) expect(again.stderr).toMatch(resumes);

      const plan = await slipway(project.config, "plan", "--env", "dev", "--detailed-exitcode");
      expect(plan.code, plan.stdout).toBe(0);
      const auth = await kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "auth" });
      expect(auth.metadata?.annotations?.["slipway.dev/version"]).toBe(to);
      const history = await store.summaries("auth");
      expect(history.filter((h) => h.status === "pending")).toEqual([]);
      expect(history[0]).toMatchObject({ version: to, status: "deployed" });
      // Resumed, not redone: one release of the new version, unless the kill came before it existed.
      expect(history.filter((h) => h.version === to).length).toBe(1);
    });
  });
});
