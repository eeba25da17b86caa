import { describe, expect, it } from "vitest";
import { deployExitCode } from "../../src/cli/deploy-report.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import type { DeployReport, ServiceResult } from "../../src/procedure/report.ts";

const report = (...services: ServiceResult[]): DeployReport => ({
  ok: services.every((s) => s.outcome === "deployed" || s.outcome === "unchanged"),
  services,
});
const deployed: ServiceResult = { service: "auth", outcome: "deployed", message: "revision 2: 1.0.1" };
const refused: ServiceResult = {
  service: "mail",
  outcome: "failed",
  message: "migration check refused 1 breaking change(s); nothing rolled out",
  failedStep: "check-migrations",
};
const heldBack: ServiceResult = {
  service: "files",
  outcome: "skipped",
  message: "not deployed: mail did not deploy",
};
const rolledBack: ServiceResult = {
  service: "mail",
  outcome: "rolled-back",
  message: "rolled back to revision 1",
};
const applyFailed: ServiceResult = {
  service: "mail",
  outcome: "failed",
  message: "apply failed; nothing changed",
  failedStep: "apply",
};

describe("a deploy's exit code, from its report alone", () => {
  it("is 0 when every service deployed or was unchanged", () => {
    expect(deployExitCode(report(deployed))).toBe(ExitCode.ok);
  });
  it("is 4 when a check refused and nothing else changed (services held back by it included)", () => {
    expect(deployExitCode(report(refused, heldBack))).toBe(ExitCode.refused);
    expect(deployExitCode(report({ ...deployed, outcome: "unchanged" }, refused))).toBe(ExitCode.refused);
  });
  it("is 6 when a service was rolled back, whatever else happened", () => {
    expect(deployExitCode(report(rolledBack))).toBe(ExitCode.rolledBack);
    expect(deployExitCode(report(refused, rolledBack))).toBe(ExitCode.rolledBack);
  });
  it("is 1 when a refusal came with a deploy of another service, or a step that is no check failed", () => {
    expect(deployExitCode(report(deployed, refused))).toBe(ExitCode.failure);
    expect(deployExitCode(report(applyFailed))).toBe(ExitCode.failure);
    expect(deployExitCode(report({ ...rolledBack, outcome: "failed", failedStep: undefined }))).toBe(
      ExitCode.failure,
    );
  });
});
