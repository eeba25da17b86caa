// SIGKILL at each point of a canary: as its step starts, once its first weight is reached, during
// an analysis window, and while it waits for a person. Each time the real `slipway deploy`
// process dies, the canary stays where it was (its Deployment, its record), and running the
// deploy again takes the lock over, resumes at the step it was in, and goes on; at the end the
// canary is promoted and nothing is left over. Simulated nodes: no audit entries there, so the
// analysis is inconclusive and the canary pauses for a person, which is what the last kill needs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { eventsOf, type JsonlEvent } from "../support/canary.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { startDashboard } from "../support/dashboard.ts";
import { eventually, platform } from "../support/platform.ts";
import { startSlipway } from "../support/slipway-process.ts";

const project = isolatedExample("kill-canary", { node: "simulated" });
const cluster = Cluster.open("local", platform.kubeconfig);
const store = new ReleaseStore(cluster, project.namespace);
const deploy = ["deploy", "auth", "--env", "dev", "--yes", "--timeout", "60s", "-o", "jsonl"];

/** Runs the deploy as its own process and SIGKILLs it at the first event `at` accepts. */
async function deployKilledAt(
  at: (e: JsonlEvent) => boolean,
): Promise<{ killed?: JsonlEvent; events: JsonlEvent[] }> {
  const running = startSlipway(project.config, ...deploy);
  const hit = await running
    .until((stdout) => eventsOf(stdout).some(at), "stdout")
    .then(
      () => running.child.kill("SIGKILL"),
      () => false,
    );
  await running.exited;
  const events = eventsOf(running.stdout());
  const killed = hit ? events.find(at) : undefined;
  return { ...(killed ? { killed } : {}), events };
}

const canaryRecord = async () => {
  const pending = (await store.summaries("auth")).find((s) => s.status === "pending");
  return pending ? (await store.get("auth", pending.revision)).canary : undefined;
};

const canaryReplicas = async (): Promise<number | undefined> =>
  (
    (await cluster.get("Deployment", "auth-canary", project.namespace)) as
      { spec?: { replicas?: number } } | undefined
  )?.spec?.replicas;

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  project.edit("services/auth/service.ts", /replicas: \(env\) => [^\n]*,/, "replicas: 2,");
  await publishDefinedVersions(project.config);
  const r = await slipway(project.config, ...deploy);
  expect(r.code, r.stderr).toBe(0);
  project.edit("services/auth/service.ts", 'version: "1.0.0"', 'version: "1.0.1"');
  project.edit(
    "services/auth/service.ts",
    /\n {2}calls: \{/,
    '\n  rollout: { canary: { steps: [{ weight: 50 }, { analysis: "30s" }, { weight: 100 }] } },\n  calls: {',
  );
  await publishDefinedVersions(project.config);
}, 600_000);

afterAll(() => removeExample(project.namespace), 120_000);

describe("a canary SIGKILLed at each of its points", () => {
  it("resumes where it was each time, then converges once a person promotes it", async () => {
    // 1. As the canary step starts: nothing of the canary exists yet.
    const first = await deployKilledAt((e) => e.type === "step-started" && e.step === "canary");
    expect(first.killed).toBeDefined();

    // 2. Once the first weight is reached: one canary pod of two, recorded.
    const second = await deployKilledAt((e) => e.type === "canary-weight");
    expect(second.killed).toBeDefined();
    expect(second.events.some((e) => e.type === "lock-taken-over")).toBe(true);
    const resumed = second.events.find((e) => e.type === "service-started");
    expect(resumed?.type === "service-started" && resumed.resumedAfter).toBeTruthy();
    expect(await canaryReplicas()).toBe(1);
    expect((await canaryRecord())?.weight).toBe(50);

    // 3. During the analysis window: the canary stays at its weight.
    const third = await deployKilledAt(
      (e) => e.type === "step-progress" && e.step === "canary" && /analysing/.test(e.message),
    );
    expect(third.killed, JSON.stringify(third.events.slice(-4))).toBeDefined();
    expect(await canaryReplicas()).toBe(1);
    const during = await canaryRecord();
    expect(during).toMatchObject({ at: 1, weight: 50, state: "running" });

    // 4. While paused for a person (the analysis had no audited calls to judge: inconclusive).
    const fourth = await deployKilledAt((e) => e.type === "canary-paused");
    expect(fourth.killed).toMatchObject({ type: "canary-paused", reason: "inconclusive" });
    const paused = await canaryRecord();
    expect(paused).toMatchObject({ at: 1, state: "paused", paused: { reason: "inconclusive" } });
    expect(paused?.analyses.map((a) => a.result.verdict)).toEqual(["inconclusive"]);
    // What a person sees meanwhile: the step, the weight and the evidence so far.
    const shown = await slipway(project.config, "status", "--env", "dev", "--deploy");
    expect(shown.stdout).toMatch(
      /canary: paused \(inconclusive\) at 50% \(1 canary, 1 stable pods\), step 2 of 3; 1 analysis\(es\): inconclusive/,
    );
    expect(shown.stdout).toContain("? canary 1.0.1 against 1.0.0");

    // 5. Run again: it waits in the same pause (its analysis is not run again), and a person
    // promotes it through the installed binary while it runs.
    const again = startSlipway(project.config, ...deploy);
    await again.until((stdout) => eventsOf(stdout).some((e) => e.type === "canary-paused"), "stdout");
    const promote = await slipway(
      project.config,
      "canary",
      "promote",
      "auth",
      "--env",
      "dev",
      "--reason",
      "checked by hand",
    );
    expect(promote.code, `${promote.stdout}\n${promote.stderr}`).toBe(0);
    expect(await again.exited, again.output()).toBe(0);
    const events = eventsOf(again.stdout());
    expect(events.some((e) => e.type === "canary-decision" && e.action === "promote")).toBe(true);
    expect(events.some((e) => e.type === "canary-promoted")).toBe(true);
    expect(
      events.some((e) => e.type === "canary-analysis"),
      JSON.stringify(events.filter((e) => e.type !== "step-progress" && e.kind !== "Plan")),
    ).toBe(false);

    // Converged: one release of 1.0.1, deployed; no canary; the plan has nothing to do.
    const releases = await store.summaries("auth");
    expect(releases.filter((r) => r.status === "pending")).toEqual([]);
    expect(
      releases.filter((r) => r.version === "1.0.1"),
      JSON.stringify(releases, null, 1),
    ).toEqual([expect.objectContaining({ status: "deployed" })]);
    expect(await cluster.get("Deployment", "auth-canary", project.namespace)).toBeUndefined();
    expect(await cluster.get("Service", "auth-canary", project.namespace)).toBeUndefined();
    const stable = (await cluster.get("Deployment", "auth", project.namespace)) as {
      spec?: { replicas?: number };
      metadata?: { annotations?: Record<string, string> };
    };
    expect(stable.spec?.replicas).toBe(2);
    expect(stable.metadata?.annotations?.["slipway.dev/version"]).toBe("1.0.1");
    const plan = await slipway(project.config, "plan", "--env", "dev", "auth", "--detailed-exitcode");
    expect(plan.code, plan.stdout).toBe(0);
    const record = await store.get("auth", releases[0]?.revision ?? 0);
    expect(record.canary?.state).toBe("promoted");
    expect(record.canary?.decisions.map((d) => [d.action, d.reason])).toEqual([
      ["promote", "checked by hand"],
    ]);
  }, 900_000);

  it("a rollback while a killed canary waits removes the canary and ends its release", async () => {
    project.edit("services/auth/service.ts", 'version: "1.0.1"', 'version: "1.0.2"');
    project.edit("services/auth/service.ts", '{ analysis: "30s" }', '{ pause: "manual" }');
    await publishDefinedVersions(project.config);
    const killed = await deployKilledAt((e) => e.type === "canary-paused");
    expect(killed.killed).toMatchObject({ reason: "manual" });
    expect(await canaryReplicas()).toBe(1);
    const rollback = await slipway(project.config, "rollback", "auth", "--env", "dev");
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stderr).toContain("removing the canary of a deploy that did not finish");
    expect(await cluster.get("Deployment", "auth-canary", project.namespace)).toBeUndefined();
    const aborted = (await store.summaries("auth")).find((s) => s.version === "1.0.2");
    expect(aborted).toMatchObject({ status: "failed", canary: { state: "aborted" } });
    const stable = (await cluster.get("Deployment", "auth", project.namespace)) as {
      spec?: { replicas?: number };
    };
    expect(stable.spec?.replicas).toBe(2);
  }, 600_000);

  it("with no deploy left to run it, abort from the dashboard and promote from the CLI resume it themselves", async () => {
    project.edit("services/auth/service.ts", 'version: "1.0.2"', 'version: "1.0.3"');
    await publishDefinedVersions(project.config);
    // Killed while paused; the dashboard's abort finds no live deploy and resumes it to abort.
    expect((await deployKilledAt((e) => e.type === "canary-paused")).killed).toBeDefined();
    const dashboard = await startDashboard(project.config, "--env", "dev");
    try {
      const page = await (await fetch(`${dashboard.url}/actions/canary/abort?env=dev&service=auth`)).text();
      const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
      const res = await fetch(`${dashboard.url}/actions/canary/abort`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: dashboard.url },
        body: new URLSearchParams({ csrf, env: "dev", service: "auth", reason: "not today" }).toString(),
        redirect: "manual",
      });
      expect(res.status, await res.text()).toBeLessThan(300);
      const aborted = await eventually(
        () => store.summaries("auth"),
        (all) => all.find((s) => s.version === "1.0.3")?.status === "failed",
        "the resumed deploy to abort the canary",
      );
      expect(aborted.find((s) => s.version === "1.0.3")?.canary?.state).toBe("aborted");
      expect(await cluster.get("Deployment", "auth-canary", project.namespace)).toBeUndefined();
    } finally {
      await dashboard.stop();
    }

    // Again, killed while paused; `slipway canary promote` resumes it and it finishes.
    expect((await deployKilledAt((e) => e.type === "canary-paused")).killed).toBeDefined();
    const promote = await slipway(project.config, "canary", "promote", "auth", "--env", "dev");
    expect(promote.code, promote.stderr).toBe(0);
    expect(promote.stderr).toContain("no deploy runs it any more");
    const latest = (await store.summaries("auth"))[0];
    expect(latest).toMatchObject({ version: "1.0.3", status: "deployed", canary: { state: "promoted" } });
    expect(await cluster.get("Deployment", "auth-canary", project.namespace)).toBeUndefined();
  }, 600_000);
});
