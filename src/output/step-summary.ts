import type { CallsDiff } from "../checks/calls/request-diff.ts";
import type { Plan } from "../plan/plan.ts";
import { cell } from "./github.ts";
import {
  checkSteps,
  environmentChecks,
  serviceRuns,
  versionChange,
  type CheckResult,
  type DeployRun,
} from "./deploy-run.ts";

/**
 * The Markdown a plan or deploy appends to $GITHUB_STEP_SUMMARY: per service the version
 * change, each check and its result, the call changes, the migrations, and for a deploy how
 * each service ended. Drawn from the typed plan, events and report, like the terminal's text.
 */
export function planSummary(plan: Plan): string {
  return summary("plan", { plan, events: [] });
}

export function deploySummary(run: DeployRun): string {
  return summary("deploy", run);
}

const mark = { passed: "✅", failed: "❌", skipped: "➖" } as const;

function summary(command: "plan" | "deploy", run: DeployRun): string {
  const { plan } = run;
  const runs = serviceRuns(run);
  const head =
    command === "deploy" && run.report
      ? run.report.ok
        ? "deployed"
        : "FAILED"
      : plan.blocked
        ? "refused by a check"
        : plan.changed
          ? command === "plan"
            ? "changes"
            : "nothing deployed"
          : "no changes";
  const lines = [
    `## slipway ${command} ${plan.environment}: ${head}`,
    "",
    `${cell(plan.project)} in \`${cell(plan.context)}/${cell(plan.namespace)}\``,
    "",
    command === "deploy"
      ? "| service | version | checks | outcome |"
      : "| service | version | checks | changes |",
    "| --- | --- | --- | --- |",
  ];
  for (const s of runs) {
    const failed = s.checks.filter((c) => c.outcome === "failed").length;
    const checks = s.checks.length
      ? failed
        ? `❌ ${failed} of ${s.checks.length} failed`
        : `✅ ${s.checks.length} passed`
      : "-";
    const last =
      command === "deploy"
        ? s.result
          ? `${s.result.outcome}${s.result.revision !== undefined ? ` (revision ${s.result.revision})` : ""}`
          : s.plan.changed
            ? "not deployed"
            : "unchanged"
        : s.plan.changed
          ? "changes"
          : "no changes";
    lines.push(`| ${cell(s.plan.service)} | ${cell(versionChange(s.plan))} | ${checks} | ${cell(last)} |`);
  }
  lines.push("");
  const environment = environmentChecks(plan);
  if (environment.length) lines.push("### Environment", "", ...checksTable(environment), "");
  for (const s of runs.filter((r) => r.plan.changed || r.checks.some((c) => c.outcome === "failed"))) {
    lines.push(`### ${cell(s.plan.service)} ${cell(versionChange(s.plan))}`, "");
    if (s.result) lines.push(`**${cell(s.result.outcome)}**: ${cell(s.result.message)}`, "");
    if (s.checks.length) lines.push(...checksTable(s.checks), "");
    if (s.plan.calls) lines.push("Calls:", "", ...callLines(s.plan.calls), "");
    if (s.plan.migrations) lines.push(`Migrations: ${cell(s.plan.migrations)}`, "");
    // A failed check step is in the checks table already; other steps (migrate, rollout) are not.
    const failedSteps = s.steps.filter((step) => step.outcome === "failed" && !checkSteps.has(step.step));
    for (const step of failedSteps) lines.push(`❌ step ${step.step}: ${cell(step.message)}`, "");
  }
  return lines.join("\n") + "\n";
}

function checksTable(checks: readonly CheckResult[]): string[] {
  return [
    "| check | result | detail |",
    "| --- | --- | --- |",
    ...checks.map(
      (c) =>
        `| ${cell(c.check)} | ${mark[c.outcome]} ${c.outcome} | ${[cell(c.summary), ...c.details.map(cell)].join("<br>")} |`,
    ),
  ];
}

function callLines(calls: CallsDiff): string[] {
  return [
    ...calls.added.map((c) => `- \`${cell(c)}\`: new call (compatible)`),
    ...calls.removed.map((c) => `- \`${cell(c)}\`: removed, **breaking** for clients still calling it`),
    ...calls.changed.flatMap(({ call, changes }) =>
      changes.map(
        (c) =>
          `- \`${cell(call)}\`: ${c.severity === "breaking" ? "**breaking**" : "compatible"}: ${cell(c.message)} (\`${cell(c.pointer || "/")}\`)`,
      ),
    ),
  ];
}
