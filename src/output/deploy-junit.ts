import {
  environmentChecks,
  serviceRuns,
  versionChange,
  type CheckResult,
  type DeployRun,
} from "./deploy-run.ts";
import type { JUnitCase, JUnitSuite } from "./junit.ts";

/**
 * `deploy --junit`: one suite per deploy; per service a case for each check (the gate's, the
 * migration check with its dynamic proof, the verification) and one for the service's deploy.
 * A refused check and a failed or rolled-back service fail their case; a service the deploy
 * skipped, or never reached because the plan was refused, is a skipped case.
 */
export function deploySuite(run: DeployRun): JUnitSuite {
  const { plan } = run;
  const checkCase = (classname: string, c: CheckResult): JUnitCase => ({
    classname,
    name: `check ${c.check}`,
    ...(c.outcome === "failed"
      ? { failure: { message: `${c.check}: ${c.summary}`, details: [c.summary, ...c.details].join("\n") } }
      : {}),
    ...(c.outcome === "skipped" ? { skipped: c.summary } : {}),
    ...(c.outcome !== "failed" && c.details.length ? { output: c.details.join("\n") } : {}),
  });
  const cases: JUnitCase[] = environmentChecks(plan).map((c) => checkCase("slipway.deploy.environment", c));
  for (const s of serviceRuns(run)) {
    const classname = `slipway.deploy.${s.plan.service}`;
    cases.push(...s.checks.map((c) => checkCase(classname, c)));
    const name = `deploy ${versionChange(s.plan)}`;
    const steps = s.steps.map((step) => `${step.step}: ${step.outcome}: ${step.message}`).join("\n");
    const result = s.result;
    if (!result)
      cases.push({
        classname,
        name,
        ...(s.plan.changed
          ? { skipped: run.report ? "not deployed" : "the plan was refused: nothing was deployed" }
          : {}),
      });
    else if (result.outcome === "failed" || result.outcome === "rolled-back")
      cases.push({
        classname,
        name,
        failure: { message: `${result.outcome}: ${result.message}`, details: steps || result.message },
      });
    else if (result.outcome === "skipped") cases.push({ classname, name, skipped: result.message });
    else
      cases.push({
        classname,
        name,
        output: [`${result.outcome}: ${result.message}`, steps].filter(Boolean).join("\n"),
      });
  }
  return { name: `slipway deploy ${plan.environment}`, cases };
}
