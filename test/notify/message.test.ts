import { describe, expect, it } from "vitest";
import type { DeployEvent } from "../../src/procedure/events.ts";
import {
  applyEvent,
  endMessage,
  hasFailed,
  headline,
  maxFindings,
  messageText,
  startMessage,
  type ReleaseMessage,
} from "../../src/notify/message.ts";

const at = new Date("2026-12-06T10:00:00Z");
const start = (): ReleaseMessage =>
  startMessage(
    {
      id: "m-1",
      action: "deploy",
      project: "shop",
      environment: "dev",
      by: "alice (alice)",
      services: [
        { service: "files", from: "1.4.0", to: "1.5.0" },
        { service: "mail", to: "0.9.2" },
      ],
    },
    at,
  );
const fold = (events: readonly DeployEvent[]): ReleaseMessage =>
  events.reduce((m, e) => applyEvent(m, e, at), start());

describe("a deploy's message, from its events", () => {
  it("starts running, with the services, their versions and who", () => {
    const m = start();
    expect(m).toMatchObject({
      sequence: 1,
      outcome: "running",
      by: "alice (alice)",
      findings: [],
      failures: [],
    });
    expect(headline(m)).toBe("shop/dev: deploy of files 1.5.0, mail 0.9.2 in progress");
    expect(messageText(m)).toContain("files: 1.4.0 → 1.5.0");
  });

  it("follows the current step, keeps findings, and is not changed by a live progress line", () => {
    const started = fold([
      { type: "service-started", service: "files", revision: 4 },
      { type: "step-started", service: "files", step: "rollout", description: "wait for 2 pods" },
    ]);
    expect(started.current).toBe("files: rollout: wait for 2 pods");
    expect(started.services[0]).toMatchObject({ revision: 4, step: "rollout" });
    const live: DeployEvent = {
      type: "step-progress",
      service: "files",
      step: "rollout",
      message: "1/2 ready",
      live: true,
      elapsedMs: 10,
    };
    expect(applyEvent(started, live, at)).toBe(started);
    const finding = applyEvent(
      started,
      { ...live, live: false, message: "V7 drops column subject: no live query reads it" },
      at,
    );
    expect(finding.findings).toEqual(["files: V7 drops column subject: no live query reads it"]);
  });

  it("records a failed step with its evidence, and ends rolled back", () => {
    const m = fold([
      {
        type: "step-finished",
        service: "files",
        step: "rollout",
        outcome: "failed",
        message: "rollout timed out",
        evidence: [{ pod: "files-abc", reason: "CrashLoopBackOff", logs: ["fatal: no config"] }],
      },
      {
        type: "rollback",
        service: "files",
        phase: "started",
        toRevision: 3,
        message: "rolling back to revision 3 (1.4.0)",
      },
    ]);
    expect(hasFailed(m)).toBe(true);
    expect(m.failures).toEqual([
      { service: "files", version: "1.5.0", step: "rollout", message: "rollout timed out" },
    ]);
    expect(m.findings.join("\n")).toContain("CrashLoopBackOff");
    const end = endMessage(m, {
      ok: false,
      services: [
        { service: "files", outcome: "rolled-back", revision: 4, message: "rolled back to revision 3" },
        { service: "mail", outcome: "deployed", revision: 2, message: "deployed" },
      ],
    });
    expect(end.outcome).toBe("rolled-back");
    expect(end.current).toBeUndefined();
    expect(end.services.map((s) => s.outcome)).toEqual(["rolled-back", "deployed"]);
    expect(headline(end)).toContain("FAILED, rolled back");
  });

  it("ends succeeded, and a stopped deploy ends failed with why", () => {
    expect(endMessage(start(), { ok: true, services: [] }).outcome).toBe("succeeded");
    const stopped = endMessage(start(), { ok: false, services: [], stopped: "the lock is held by bob" });
    expect(stopped.outcome).toBe("failed");
    expect(stopped.failures[0]?.message).toBe("stopped: the lock is held by bob");
  });

  it("announces a break-glass deploy: who, through which window, why", () => {
    const m = fold([
      {
        type: "break-glass",
        environment: "dev",
        by: "alice",
        groups: ["oncall"],
        reason: "hotfix for the outage",
        windows: ['deny "weekend" until Mon 08:00 Europe/Copenhagen'],
      },
    ]);
    expect(m.breakGlass).toBe(
      'break-glass by alice through deny "weekend" until Mon 08:00 Europe/Copenhagen: hotfix for the outage',
    );
    expect(headline(m)).toBe("shop/dev: deploy of files 1.5.0, mail 0.9.2 (break-glass) in progress");
    expect(messageText(m)).toContain("break-glass by alice");
  });

  it("keeps only the newest findings", () => {
    const events: DeployEvent[] = Array.from({ length: maxFindings + 5 }, (_, i) => ({
      type: "step-progress",
      service: "files",
      step: "check-migrations",
      message: `finding ${i}`,
      live: false,
      elapsedMs: 0,
    }));
    const m = fold(events);
    expect(m.findings).toHaveLength(maxFindings);
    expect(m.findings.at(-1)).toBe(`files: finding ${maxFindings + 4}`);
  });
});
