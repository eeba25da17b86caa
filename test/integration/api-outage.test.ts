// The API server goes away while a rollout is watched, then comes back: the deploy either
// finishes or fails cleanly, saying what happened, and a re-run converges. The platform's own
// `stopPart` stops the real kube-apiserver process; `up` starts it again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopPart, up } from "../../platform/src/platform.ts";
import { silentProgress } from "../../platform/src/progress.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import { sleep } from "../../src/util/sleep.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { platform } from "../support/platform.ts";
import { startSlipway } from "../support/slipway-process.ts";

const project = isolatedExample("outage", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const store = new ReleaseStore(cluster, project.namespace);
const deploy = ["deploy", "auth", "mail", "--env", "dev", "--yes", "--timeout", "90s"];

afterAll(async () => {
  await up({ progress: silentProgress }); // whatever happened, the platform is whole again
  await removeExample(project.namespace);
});

describe("the API server going away mid-rollout", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stderr).toBe(0);
  });

  it("is waited out or reported, and a re-run converges", async () => {
    project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "0.9.3"');
    await publishDefinedVersions(project.config);
    const running = startSlipway(project.config, ...deploy);
    await running.until(/mail: rollout: /);
    await stopPart("kube-apiserver");
    await sleep(4000);
    await up({ progress: silentProgress });
    const code = await running.exited;
    const stdout = running.stdout();
    const stderr = running.stderr();

    // It said what happened while it waited; and either finished or failed with one clear line.
    expect(stderr).toContain("the API server does not answer");
    expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    // Waited out (0); or it could not reach the cluster (1); or the outage ate the rollout's time
    // and Slipway rolled back by itself once the server answered again (6), saying so.
    if (code === 6) {
      expect(stderr).toMatch(/mail: rollout failed: /);
      expect(stderr).toMatch(/mail: rolled back to revision 1/);
    } else if (code !== 0) {
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /error: cannot reach the cluster at 127\.0\.0\.1:26443|rollout failed: timed out/,
      );
    } else expect(stdout).toMatch(/mail\s+deployed\s+2\b/);

    const again = await slipway(project.config, ...deploy);
    expect(again.code, again.stderr).toBe(0);
    const plan = await slipway(project.config, "plan", "--env", "dev", "auth", "mail", "--detailed-exitcode");
    expect(plan.code, plan.stdout).toBe(0);
    const history = await store.summaries("mail");
    expect(history.filter((h) => h.status === "pending")).toEqual([]);
    expect(history.filter((h) => h.version === "0.9.3" && h.status === "deployed")).toHaveLength(1);
  });
});
