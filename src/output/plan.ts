import { parameterText } from "../definitions/parameters.ts";
import type { GateCheck } from "../checks/gate/types.ts";
import type { CallsDiff } from "../checks/calls/request-diff.ts";
import { describeAuditCall, type AuditCallPlan } from "../audit/plan.ts";
import { gateBlocks, type ObjectChange, type Plan, type ServicePlan } from "../plan/plan.ts";
import { applyRefusalHint } from "../clients/kubernetes/apply-objects.ts";
import type { DryRunFinding, ManagerConflict } from "../plan/server-dry-run.ts";
import type { ForeignField } from "../plan/managed-fields.ts";
import type { ListedPlan } from "../procedure/plan-steps.ts";

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

function objectLines(
  o: ObjectChange,
  style: Style,
  dryRun?: { readonly finding: DryRunFinding; readonly forced: boolean },
): string[] {
  const paint =
    o.action === "create"
      ? style.add
      : o.action === "update"
        ? style.change
        : o.action === "prune"
          ? style.remove
          : style.dim;
  const label = o.adopts
    ? "adopt"
    : o.action === "unchanged" && o.stays?.length
      ? "unchanged by the apply"
      : { create: "create", update: "update", prune: "prune", unchanged: "unchanged" }[o.action];
  const hatch = o.escapeHatch === "raw" ? ", raw object" : o.escapeHatch === "patched" ? ", patched" : "";
  const lines = [paint(`  ${o.adopts ? "&" : sign[o.action]} ${o.kind}/${o.name}  (${label}${hatch})`)];
  if (o.adopts) lines.push(style.dim(`      ${adoptionNote(o)}`));
  for (const c of o.changes)
    lines.push(`      ${c.path}: ${style.remove(show(c.from))} → ${style.add(show(c.to))}`);
  if (dryRun) lines.push(...findingLines(dryRun.finding, dryRun.forced, style));
  lines.push(...foreignLines(o, style));
  return lines;
}

const managerList = (f: ForeignField): string => f.managers.map((m) => `"${m}"`).join(", ");

/** Fields other managers added: staying (the apply leaves them), or reclaimed (--reclaim removes them). */
function foreignLines(o: ObjectChange, style: Style): string[] {
  const stays = (o.stays ?? []).map((f) =>
    style.change(`      = stays: ${f.field} = ${show(f.value)}, added by field manager ${managerList(f)}`),
  );
  if (stays.length)
    stays.push(
      style.change(
        "        the apply leaves fields another manager added (server-side apply removes only Slipway's own): deploy --reclaim takes them over and removes them, or put them in the definition",
      ),
    );
  const reclaims = (o.reclaims ?? []).map((f) =>
    style.change(
      `      ! reclaims from field manager ${managerList(f)} (--reclaim), then removes: ${f.field}`,
    ),
  );
  return [...stays, ...reclaims];
}

const podTemplates = new Set(["Deployment", "StatefulSet", "DaemonSet", "CronJob"]);

/** What adopting an existing object does, in one line. */
function adoptionNote(o: ObjectChange): string {
  const rest = o.changes.length
    ? `, and changes ${o.changes.length} field(s) below`
    : ", and changes nothing else";
  const pods = podTemplates.has(o.kind)
    ? o.kind === "CronJob"
      ? " (its next Jobs' pods carry them)"
      : " (its pods are replaced once, labelled)"
    : "";
  return `exists without Slipway's labels: the apply adds them${pods}${rest}`;
}

/** `"kubectl-set" (apps/v1)`, `"hand-edit"`, `"kubectl" (apps/v1, subresource scale)`. */
const managerName = (c: ManagerConflict): string => {
  const how = [c.apiVersion, c.subresource ? `subresource ${c.subresource}` : undefined].filter(Boolean);
  return `"${c.manager}"${how.length ? ` (${how.join(", ")})` : ""}`;
};

const fieldsLines = (c: ManagerConflict, paint: (s: string) => string, head: string): string[] =>
  c.fields.length === 1
    ? [paint(`      ${head}: ${c.fields[0]}`)]
    : [paint(`      ${head}:`), ...c.fields.map((f) => paint(`          ${f}`))];

/** What the server's dry run said of an object's apply: the managers and fields, and the fix. */
function findingLines(f: DryRunFinding, forced: boolean, style: Style): string[] {
  const lines = forced
    ? f.conflicts.flatMap((c) =>
        fieldsLines(c, style.change, `! takes over from field manager ${managerName(c)} (--force-conflicts)`),
      )
    : f.conflicts.flatMap((c) =>
        fieldsLines(c, style.remove, `✗ conflict with field manager ${managerName(c)}, which owns`),
      );
  if (!forced && f.conflicts.length)
    lines.push(
      style.remove(
        "        the apply would fail on these fields: deploy with --force-conflicts to take them over, or put the change in the definition (`slipway drift` shows what was changed by hand)",
      ),
    );
  const r = f.refusal;
  if (!r) return lines;
  const hint = r.status !== 409 ? applyRefusalHint(r.status) : "";
  lines.push(
    style.remove(`      ✗ the server refuses this apply (${r.status} ${r.reason}): ${r.message}`),
    ...(hint ? [style.remove(`        ${hint}`)] : []),
  );
  return lines;
}

/**
 * Why a plan is blocked, one reason each (a failed check; conflicts or refusals in the server's
 * dry run of the apply), for the plan's last line and the deploy's refusal.
 */
export function blockedBecause(plan: Plan): string[] {
  const reasons: string[] = [];
  // A freeze is said whole: the windows, the next allowed time and the way out.
  const frozen = windowRefusal(plan);
  if (frozen) reasons.push(frozen);
  const others = (plan.checks ?? []).filter((c) => c.check !== "window");
  if (gateBlocks(plan.services, others)) reasons.push("a check of the procedure failed");
  const findings = plan.services.flatMap((s) => s.dryRun?.findings ?? []);
  // Conflicts block unless forced, also where the object is refused besides.
  const conflicts = plan.services.flatMap((s) =>
    s.dryRun?.forced ? [] : (s.dryRun?.findings.filter((f) => f.conflicts.length) ?? []),
  );
  if (conflicts.length) {
    const managers = [...new Set(conflicts.flatMap((f) => f.conflicts.map((c) => `"${c.manager}"`)))];
    const fields = conflicts.reduce((n, f) => n + f.conflicts.reduce((m, c) => m + c.fields.length, 0), 0);
    reasons.push(
      `the apply would conflict with field manager(s) ${managers.join(", ")} on ${fields} field(s) of ${conflicts
        .map((f) => `${f.kind}/${f.name}`)
        .join(", ")} (--force-conflicts takes them over)`,
    );
  }
  const refused = findings.filter((f) => f.outcome === "refused");
  if (refused.length)
    reasons.push(
      `the server refuses the apply of ${refused
        .map((f) => `${f.kind}/${f.name}${f.refusal ? ` (${f.refusal.status} ${f.refusal.reason})` : ""}`)
        .join(", ")}`,
    );
  return reasons;
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

/** A deploy window's refusal in one line, when the environment is frozen for this plan. */
export function windowRefusal(plan: Plan): string | undefined {
  const c = plan.checks?.find((c) => c.check === "window" && c.outcome === "failed");
  return c ? [c.summary, ...c.problems].join("; ") : undefined;
}

/** The plan as a person reads it: per service the version change and each object, then the steps. */
export function formatPlan(plan: ListedPlan, style: Style): string {
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
    if (Object.keys(s.parameters).length) lines.push(`  parameters: ${parameterText(s.parameters)}`);
    if (s.gate && (s.changed || s.gate.checks.some((c) => c.outcome === "failed")))
      lines.push(...s.gate.checks.flatMap((c) => checkLines(c, style)));
    if (s.calls) lines.push(...callLines(s.calls, style));
    lines.push(...auditLines(s.audit, style));
    for (const u of s.sharedConfig ?? [])
      lines.push(style.dim(`  uses ConfigMap/${u.name}, which ${u.owner} owns and shares`));
    for (const k of s.kept ?? [])
      lines.push(
        style.change(
          `  = ${k.kind}/${k.name}  (no longer defined, kept: ${k.mountedBy.join(", ")} still mount${k.mountedBy.length === 1 ? "s" : ""} it)`,
        ),
      );
    // What the apply leaves of the objects it would not change: fields other managers added.
    const staying = s.objects.filter((o) => o.action === "unchanged" && o.stays?.length);
    for (const o of staying) lines.push(...objectLines(o, style));
    if (!s.changed) continue;
    if (s.resumes !== undefined)
      lines.push(style.change(`  resumes revision ${s.resumes}, interrupted earlier`));
    else if (s.objects.every((o) => o.action === "unchanged"))
      lines.push(style.change("  objects match; no finished release records them yet"));
    const unchanged = s.objects.filter((o) => o.action === "unchanged" && !o.stays?.length).length;
    const forced = s.dryRun?.forced === true;
    const findings = new Map(
      (s.dryRun?.findings ?? []).map((finding) => [`${finding.kind}/${finding.name}`, { finding, forced }]),
    );
    for (const o of s.objects.filter((o) => o.action !== "unchanged"))
      lines.push(...objectLines(o, style, findings.get(`${o.kind}/${o.name}`)));
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
  const stays = plan.services.flatMap((s) => s.objects.flatMap((o) => o.stays ?? []));
  if (!plan.changed) {
    lines.push(
      stays.length
        ? `No changes a deploy would make; ${stays.length} field(s) other field managers added stay (= above): slipway deploy --env ${plan.environment} --reclaim removes them.`
        : "No changes: the environment matches the definitions.",
    );
  } else {
    lines.push(style.bold("Steps"));
    plan.steps.forEach((step, i) => lines.push(`  ${i + 1}. ${step.service}: ${step.description}`));
  }
  if (plan.blocked) {
    const reasons = blockedBecause(plan);
    lines.push(
      "",
      style.remove(
        style.bold(
          `BLOCKED: ${reasons.length ? reasons.join("; ") : "a check of the procedure failed"} (✗ above); a deploy would change nothing.`,
        ),
      ),
    );
  }
  return lines.join("\n") + "\n";
}

/** One object of the plan for machines: its change, without the rendered object. */
export type ObjectChangeJson = Omit<ObjectChange, "desired">;

/** One service of the plan for machines: the full rendered objects are left out. */
export type ServicePlanJson = Omit<ServicePlan, "rendered" | "objects" | "shippedMigrations"> & {
  readonly objects: readonly ObjectChangeJson[];
  /** Migrations read from the image: where from, and the files' names. */
  readonly shippedMigrations?: {
    readonly image: string;
    readonly digest: string;
    readonly folder: string;
    readonly files: readonly string[];
  };
};

/** The plan as `plan -o json` prints it (the body of a Plan document). */
export type PlanJson = Omit<ListedPlan, "services"> & { readonly services: readonly ServicePlanJson[] };

/** The plan for machines: everything but the full rendered objects. */
export function planJson(plan: ListedPlan): PlanJson {
  return {
    ...plan,
    services: plan.services.map(({ rendered: _rendered, shippedMigrations: shipped, ...s }) => ({
      ...s,
      objects: s.objects.map(({ desired: _desired, ...o }) => o),
      ...(shipped ? { shippedMigrations: { ...shipped, files: shipped.files.map((f) => f.name) } } : {}),
    })),
  };
}
