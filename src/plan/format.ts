import type { GateCheck } from "../checks/gate/types.ts";
import type { CallsDiff } from "../checks/calls/request-diff.ts";
import { describeAuditCall, type AuditCallPlan } from "../audit/plan.ts";
import type { ObjectChange, Plan } from "./plan.ts";

export interface Style {
  readonly add: (s: string) => string;
  readonly change: (s: string) => string;
  readonly remove: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const ansi = (code: number) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
export const colour: Style = {
  add: ansi(32),
  change: ansi(33),
  remove: ansi(31),
  dim: ansi(2),
  bold: ansi(1),
};
export const plain: Style = {
  add: (s) => s,
  change: (s) => s,
  remove: (s) => s,
  dim: (s) => s,
  bold: (s) => s,
};

const show = (value: unknown): string => (value === undefined ? "(none)" : JSON.stringify(value));

const sign = { create: "+", update: "~", prune: "-", unchanged: "=" } as const;

function objectLines(o: ObjectChange, style: Style): string[] {
  const paint =
    o.action === "create"
      ? style.add
      : o.action === "update"
        ? style.change
        : o.action === "prune"
          ? style.remove
          : style.dim;
  const label = { create: "create", update: "update", prune: "prune", unchanged: "unchanged" }[o.action];
  const lines = [paint(`  ${sign[o.action]} ${o.kind}/${o.name}  (${label})`)];
  for (const c of o.changes)
    lines.push(`      ${c.path}: ${style.remove(show(c.from))} → ${style.add(show(c.to))}`);
  return lines;
}

const mark = { passed: "✓", failed: "✗", skipped: "-" } as const;

function checkLines(c: GateCheck, style: Style): string[] {
  const paint = c.outcome === "passed" ? style.add : c.outcome === "failed" ? style.remove : style.change;
  return [
    paint(`  ${mark[c.outcome]} ${c.check}: ${c.summary}`),
    ...c.problems.map((p) => style.remove(`      ${p}`)),
    // Warnings do not block: what the check could not establish, said before anyone deploys.
    ...(c.warnings ?? []).map((w) => style.change(`      ! warning: ${w}`)),
  ];
}

function callLines(calls: CallsDiff, style: Style): string[] {
  return [
    ...calls.added.map((c) => style.add(`  + call ${c} (new)`)),
    ...calls.removed.map((c) => style.remove(`  - call ${c} removed: BREAKING for clients still calling it`)),
    ...calls.changed.flatMap(({ call, changes }) =>
      changes.map((c) =>
        c.severity === "breaking"
          ? style.remove(`  ! call ${call}: BREAKING: ${c.message} (${c.pointer})`)
          : style.change(`  ~ call ${call}: compatible: ${c.message}`),
      ),
    ),
  ];
}

function auditLines(audit: readonly AuditCallPlan[], style: Style): string[] {
  return audit
    .filter((a) => a.change !== "none")
    .map((a) => {
      const paint =
        a.change === "roll-over" ? style.remove : a.change === "create" ? style.add : style.change;
      return paint(`  ! audit index ${describeAuditCall(a)}`);
    });
}

/** The plan as a person reads it: per service the version change and each object, then the steps. */
export function formatPlan(plan: Plan, style: Style): string {
  const lines = [
    style.bold(
      `Plan for ${plan.project} in ${plan.environment} (context ${plan.context}, namespace ${plan.namespace})`,
    ),
    "",
  ];
  for (const s of plan.services) {
    const version =
      s.liveVersion === undefined
        ? `(not deployed) → ${s.newVersion}`
        : s.liveVersion === s.newVersion
          ? s.newVersion
          : `${s.liveVersion} → ${s.newVersion}`;
    const quiet = s.audit.some((a) => a.change !== "none") ? "  objects unchanged" : "  no changes";
    lines.push(`${style.bold(s.service)}  ${version}${s.changed ? "" : style.dim(quiet)}`);
    if (s.gate && (s.changed || s.gate.checks.some((c) => c.outcome === "failed")))
      lines.push(...s.gate.checks.flatMap((c) => checkLines(c, style)));
    if (s.calls) lines.push(...callLines(s.calls, style));
    lines.push(...auditLines(s.audit, style));
    if (!s.changed) continue;
    if (s.resumes !== undefined)
      lines.push(style.change(`  resumes revision ${s.resumes}, interrupted earlier`));
    else if (s.objects.every((o) => o.action === "unchanged"))
      lines.push(style.change("  objects match; no finished release records them yet"));
    const unchanged = s.objects.filter((o) => o.action === "unchanged").length;
    for (const o of s.objects.filter((o) => o.action !== "unchanged")) lines.push(...objectLines(o, style));
    if (unchanged) lines.push(style.dim(`    ${unchanged} unchanged`));
  }
  if (plan.checks?.length) {
    lines.push("", style.bold("Environment"));
    for (const c of plan.checks) lines.push(...checkLines(c, style));
  }
  if (plan.orphans.length) {
    lines.push("", style.bold("Objects of services no longer defined"));
    for (const o of plan.orphans) lines.push(...objectLines(o, style));
  }
  lines.push("");
  if (!plan.changed) {
    lines.push("No changes: the environment matches the definitions.");
  } else {
    lines.push(style.bold("Steps"));
    plan.steps.forEach((step, i) => lines.push(`  ${i + 1}. ${step.service}: ${step.description}`));
  }
  if (plan.blocked)
    lines.push(
      "",
      style.remove(
        style.bold("BLOCKED: a check of the procedure failed (✗ above); a deploy would change nothing."),
      ),
    );
  return lines.join("\n") + "\n";
}

/** The plan for machines: everything but the full rendered objects. */
export function planJson(plan: Plan): unknown {
  return {
    ...plan,
    services: plan.services.map(({ rendered: _rendered, ...s }) => ({
      ...s,
      objects: s.objects.map(({ desired: _desired, ...o }) => o),
    })),
  };
}
