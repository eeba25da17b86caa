import type { Style } from "../output/plan.ts";
import type { DriftReport, ObjectDrift, ServiceDrift } from "./detect.ts";

const show = (value: unknown): string => (value === undefined ? "(none)" : JSON.stringify(value));

function objectLines(o: ObjectDrift, style: Style): string[] {
  if (o.state === "missing")
    return [style.remove(`  - ${o.kind}/${o.name}  (missing: applied, no longer in the cluster)`)];
  return [
    style.change(`  ~ ${o.kind}/${o.name}  (changed)`),
    ...o.fields.map(
      (f) => `      ${f.path}: live ${style.remove(show(f.live))}, applied ${style.add(show(f.applied))}`,
    ),
    ...(o.foreign ?? []).map((f) =>
      style.change(
        f.how === "added"
          ? `      ${f.field} added by field manager ${managers(f.managers)}: a deploy leaves it, deploy --reclaim removes it`
          : `      ${f.field} changed by field manager ${managers(f.managers)}: deploy --force-conflicts (or --reclaim) takes it back`,
      ),
    ),
  ];
}

const managers = (names: readonly string[]): string => names.map((m) => `"${m}"`).join(", ");

/** The deploy that restores what drifted: --reclaim where another manager added a field. */
function restoreLine(report: DriftReport): string {
  const foreign = report.services.flatMap((s) => s.objects.flatMap((o) => o.foreign ?? []));
  const deploy = `slipway deploy --env ${report.environment}`;
  if (foreign.some((f) => f.how === "added"))
    return `To restore: ${deploy} --reclaim (takes over the fields other field managers added or changed, then applies the definitions without the added ones; a deploy of every service deletes the orphans)`;
  return `To restore: ${deploy} (--force-conflicts takes back fields a hand edit took over; a deploy of every service deletes the orphans)`;
}

function serviceLines(s: ServiceDrift, style: Style): string[] {
  const pending =
    s.pendingRevision === undefined
      ? []
      : [style.change(`  revision ${s.pendingRevision} is pending: a deploy is running or was interrupted`)];
  if (!s.release)
    return [`${style.bold(s.service)}  ${style.dim("never deployed: nothing to compare")}`, ...pending];
  const head = `${style.bold(s.service)}  r${s.release.revision} ${s.release.version}`;
  const verdict = s.objects.length
    ? style.change(`  ${s.objects.length} of ${s.release.objects} object(s) drifted`)
    : style.dim(`  no drift (${s.release.objects} object(s))`);
  return [
    head + verdict,
    ...s.objects.flatMap((o) => objectLines(o, style)),
    ...(s.notDeployedYet
      ? [style.dim(`  definitions changed since r${s.release.revision}: not deployed yet (run slipway plan)`)]
      : []),
    ...pending,
  ];
}

/** The report as a person reads it: per service, per object, per field the live and the applied value. */
export function formatDrift(report: DriftReport, style: Style): string {
  const lines = [
    style.bold(
      `Drift of ${report.project} in ${report.environment} (context ${report.context}, namespace ${report.namespace}): live objects against their deployed release`,
    ),
    "",
    ...report.services.flatMap((s) => serviceLines(s, style)),
  ];
  if (report.orphans.length) {
    lines.push("", style.bold("Objects with Slipway's labels that no definition renders"));
    for (const o of report.orphans)
      lines.push(style.remove(`  + ${o.kind}/${o.name}${o.service ? `  (labelled ${o.service})` : ""}`));
  }
  lines.push("");
  const objects = report.services.reduce((n, s) => n + s.objects.length, 0);
  if (!report.drifted) lines.push("No drift: every deployed object is as Slipway applied it.");
  else
    lines.push(
      `Drift: ${objects} object(s) changed or missing, ${report.orphans.length} orphan(s).`,
      restoreLine(report),
    );
  return lines.join("\n") + "\n";
}
