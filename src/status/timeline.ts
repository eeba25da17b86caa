import type { KubernetesObject } from "@kubernetes/client-node";
import { diffObject, type FieldChange } from "../plan/diff.ts";
import { objectKey } from "../plan/live-state.ts";
import type { ReleaseFailure, ReleaseRecord } from "../release/record.ts";
import type { Signoff } from "../release/signoff.ts";

type Check = ReleaseRecord["checks"][number];

/** One revision of a service, its gates grouped as a reader looks for them. */
export interface TimelineEntry {
  readonly record: ReleaseRecord;
  readonly digest?: string;
  /** The CI build: its link, test count and commit, as the gate recorded them. */
  readonly ci?: {
    readonly check: Check;
    readonly url?: string;
    readonly tests?: string;
    readonly commit?: string;
  };
  /**
   * The commit the image was built from, as the CI build recorded it; or, when it recorded
   * none, the gate's warning that says so and where it should have come from.
   */
  readonly builtFrom: { readonly commit: string } | { readonly missing: string };
  readonly signoff?: Signoff;
  readonly gate: readonly Check[];
  readonly migrations: readonly Check[];
  readonly dynamicProof: readonly Check[];
  readonly auditIndex: readonly Check[];
  readonly other: readonly Check[];
  readonly overrides: readonly string[];
  /** A failed release: the step, why, and its pods' evidence (reason, last log lines), as recorded. */
  readonly failure?: ReleaseFailure;
}

export function timelineEntry(record: ReleaseRecord, signoffs: readonly Signoff[]): TimelineEntry {
  const by = (p: (c: Check) => boolean): Check[] => record.checks.filter(p);
  const ci = record.checks.find((c) => c.check === "gate/ci" && c.outcome !== "warning");
  const digest = record.digests[record.service];
  const signoff = signoffs.find((s) => s.service === record.service && s.version === record.version);
  const commit = ci ? /commit ([0-9a-f]{7,40})/.exec(ci.message)?.[1] : undefined;
  const noRevision = record.checks.find((c) => c.check === "gate/ci" && c.outcome === "warning");
  return {
    record,
    ...(digest ? { digest } : {}),
    ...(ci
      ? {
          ci: {
            check: ci,
            ...matchField(ci.message, /(https?:\/\/[^\s)]+)/, "url"),
            ...matchField(ci.message, /(\d+ tests?[^,;)]*)/, "tests"),
            ...(commit ? { commit } : {}),
          },
        }
      : {}),
    builtFrom: commit
      ? { commit }
      : {
          missing: noRevision
            ? `a recorded warning: ${noRevision.message}`
            : ci
              ? "the CI build named no commit"
              : "no CI build was checked, so nothing names the commit",
        },
    ...(signoff ? { signoff } : {}),
    gate: by((c) => c.check.startsWith("gate/") && c.check !== "gate/ci"),
    migrations: by((c) => c.check.startsWith("migrations/") && c.check !== "migrations/dynamic-proof"),
    dynamicProof: by((c) => c.check === "migrations/dynamic-proof"),
    auditIndex: by((c) => c.check.startsWith("audit-index/")),
    other: by(
      (c) =>
        !c.check.startsWith("gate/") &&
        !c.check.startsWith("migrations/") &&
        !c.check.startsWith("audit-index/"),
    ),
    overrides: record.overrides ?? [],
    ...(record.failure ? { failure: record.failure } : {}),
  };
}

const matchField = <K extends string>(text: string, re: RegExp, key: K): Partial<Record<K, string>> => {
  const m = re.exec(text);
  return m?.[1] ? ({ [key]: m[1] } as Partial<Record<K, string>>) : {};
};

/** What changed between two revisions: objects field by field, migrations, call schemas, parameters. */
export interface RevisionDiff {
  readonly objects: readonly {
    readonly key: string;
    readonly change: "added" | "removed" | "changed";
    readonly fields: readonly FieldChange[];
  }[];
  readonly migrations: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly calls: readonly { readonly call: string; readonly change: "added" | "removed" | "changed" }[];
  readonly parameters: readonly { readonly name: string; readonly from?: unknown; readonly to?: unknown }[];
}

export function diffRevisions(from: ReleaseRecord, to: ReleaseRecord): RevisionDiff {
  const before = new Map<string, KubernetesObject>(from.objects.map((o) => [objectKey(o), o]));
  const after = new Map<string, KubernetesObject>(to.objects.map((o) => [objectKey(o), o]));
  const objects: RevisionDiff["objects"][number][] = [];
  for (const [key, o] of after) {
    const old = before.get(key);
    if (!old) objects.push({ key, change: "added", fields: [] });
    else {
      const fields = diffObject(o, old);
      if (fields.length) objects.push({ key, change: "changed", fields });
    }
  }
  for (const key of before.keys()) if (!after.has(key)) objects.push({ key, change: "removed", fields: [] });
  const names = (r: ReleaseRecord): Set<string> =>
    new Set((r.migrations ?? []).map((m) => `${m.name} (checksum ${m.checksum})`));
  const [ma, mb] = [names(from), names(to)];
  const calls = (r: ReleaseRecord): Map<string, string> =>
    new Map(r.calls.map((c) => [c.name, JSON.stringify(c)]));
  const [ca, cb] = [calls(from), calls(to)];
  const callChanges: RevisionDiff["calls"][number][] = [];
  for (const [name, text] of cb)
    if (!ca.has(name)) callChanges.push({ call: name, change: "added" });
    else if (ca.get(name) !== text) callChanges.push({ call: name, change: "changed" });
  for (const name of ca.keys()) if (!cb.has(name)) callChanges.push({ call: name, change: "removed" });
  const pa = from.parameters ?? {};
  const pb = to.parameters ?? {};
  const parameters = [...new Set([...Object.keys(pa), ...Object.keys(pb)])]
    .filter((k) => JSON.stringify(pa[k]) !== JSON.stringify(pb[k]))
    .map((name) => ({
      name,
      ...(pa[name] !== undefined ? { from: pa[name] } : {}),
      ...(pb[name] !== undefined ? { to: pb[name] } : {}),
    }));
  return {
    objects,
    migrations: { added: [...mb].filter((m) => !ma.has(m)), removed: [...ma].filter((m) => !mb.has(m)) },
    calls: callChanges,
    parameters,
  };
}
