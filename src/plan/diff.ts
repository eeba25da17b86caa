import type { KubernetesObject } from "@kubernetes/client-node";

export interface FieldChange {
  readonly path: string;
  /** Absent (in JSON) when the field is added. */
  readonly from?: unknown;
  /** Absent (in JSON) when the field is removed. */
  readonly to?: unknown;
}

/** Server-owned or identity fields that are never a change. */
const ignoredTopLevel = new Set(["apiVersion", "kind", "status"]);
const ignoredMetadata = new Set(["name", "namespace"]);

/**
 * Field-level differences between what we would apply and what runs, over the fields we set
 * only: fields the server defaults or other managers own are not ours to report.
 */
export function diffObject(desired: KubernetesObject, live: KubernetesObject | undefined): FieldChange[] {
  const changes: FieldChange[] = [];
  const walk = (want: unknown, have: unknown, path: string): void => {
    // The API omits zero values (omitempty): 0, false, "", [] and {} read back as absent.
    if (have === undefined && isZeroValue(want)) return;
    if (Array.isArray(want)) {
      if (!Array.isArray(have) || have.length !== want.length) {
        if (JSON.stringify(want) !== JSON.stringify(have)) changes.push({ path, from: have, to: want });
        return;
      }
      want.forEach((w, i) => walk(w, have[i], `${path}[${i}]`));
      return;
    }
    if (want !== null && typeof want === "object") {
      if (have === null || typeof have !== "object" || Array.isArray(have)) {
        changes.push({ path, from: have, to: want });
        return;
      }
      for (const [key, value] of Object.entries(want))
        walk(value, (have as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      return;
    }
    if (!sameScalar(want, have)) changes.push({ path, from: have, to: want });
  };
  for (const [key, value] of Object.entries(desired)) {
    if (ignoredTopLevel.has(key)) continue;
    if (key === "metadata") {
      for (const [mk, mv] of Object.entries(value as Record<string, unknown>)) {
        if (!ignoredMetadata.has(mk))
          walk(mv, (live?.metadata as Record<string, unknown> | undefined)?.[mk], `metadata.${mk}`);
      }
      continue;
    }
    walk(value, (live as Record<string, unknown> | undefined)?.[key], key);
  }
  return changes;
}

/** The API returns numbers for int-or-string fields given as numbers, and strings as given. */
function sameScalar(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((typeof a === "number" && typeof b === "string") || (typeof a === "string" && typeof b === "number"))
    return String(a) === String(b);
  return false;
}

function isZeroValue(value: unknown): boolean {
  if (value === 0 || value === false || value === "" || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value as object).length === 0;
  return false;
}

/** The server's bookkeeping, which every write changes: never a change of the object. */
const bookkeeping = new Set(["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"]);

/**
 * What an apply changes: every field that differs between the live object and the one the
 * server's dry run of the apply leaves (both as the server keeps them, defaults and all), but
 * the server's bookkeeping and the status.
 */
export function diffApplied(live: KubernetesObject, after: KubernetesObject): FieldChange[] {
  const changes: FieldChange[] = [];
  const walk = (before: unknown, now: unknown, path: string): void => {
    if (JSON.stringify(before) === JSON.stringify(now)) return;
    const objects =
      before !== null &&
      now !== null &&
      typeof before === "object" &&
      typeof now === "object" &&
      Array.isArray(before) === Array.isArray(now);
    if (objects && Array.isArray(before) && Array.isArray(now) && before.length === now.length) {
      before.forEach((b, i) => walk(b, now[i], `${path}[${i}]`));
      return;
    }
    if (objects && !Array.isArray(before)) {
      const b = before as Record<string, unknown>;
      const n = now as Record<string, unknown>;
      for (const key of new Set([...Object.keys(b), ...Object.keys(n)]))
        walk(b[key], n[key], path ? `${path}.${key}` : key);
      return;
    }
    changes.push({
      path,
      ...(before === undefined ? {} : { from: before }),
      ...(now === undefined ? {} : { to: now }),
    });
  };
  const strip = (o: KubernetesObject): Record<string, unknown> => {
    const { status: _status, metadata, ...rest } = o as KubernetesObject & { status?: unknown };
    const kept = Object.fromEntries(Object.entries(metadata ?? {}).filter(([k]) => !bookkeeping.has(k)));
    return { ...rest, metadata: kept };
  };
  walk(strip(live), strip(after), "");
  return changes;
}
