import type { KubernetesObject } from "@kubernetes/client-node";
import { replicasHandoverManager } from "../clients/kubernetes/apply-objects.ts";
import { fieldManager } from "../clients/kubernetes/field-manager.ts";
import type { ReleaseSummary } from "../release/record.ts";
import { summaryOf } from "../release/store.ts";
import { lockName } from "../procedure/lock.ts";
import type { Signoff } from "../release/signoff.ts";

/** Reading the watched objects back into Slipway's values: pure, so pages and tests share it. */

/** The summaries the release Secrets' annotations carry (the metadata-only watch gives nothing more). */
export function summariesOf(secrets: readonly KubernetesObject[]): ReleaseSummary[] {
  return secrets
    .flatMap((s) => {
      try {
        const summary = summaryOf(s);
        return summary ? [summary] : [];
      } catch {
        return []; // a hand-edited annotation: the page shows the rest
      }
    })
    .sort((a, b) => (a.service === b.service ? b.revision - a.revision : a.service.localeCompare(b.service)));
}

/** The sign-offs their ConfigMaps hold. */
export function signoffsOf(configMaps: readonly KubernetesObject[]): Signoff[] {
  return configMaps.flatMap((c) => {
    const text = (c as KubernetesObject & { data?: Record<string, string> }).data?.["signoff.json"];
    if (!text) return [];
    try {
      return [JSON.parse(text) as Signoff];
    } catch {
      return [];
    }
  });
}

/** Who holds an environment's deploy lock, and whether the lease ran out (a holder that died). */
export interface LockState {
  readonly holder: string;
  readonly since: string;
  readonly expired: boolean;
}

export function lockOf(leases: readonly KubernetesObject[], now = Date.now()): LockState | undefined {
  const lease = leases.find((l) => l.metadata?.name === lockName) as
    | (KubernetesObject & {
        spec?: {
          holderIdentity?: string;
          acquireTime?: string;
          renewTime?: string;
          leaseDurationSeconds?: number;
        };
      })
    | undefined;
  const spec = lease?.spec;
  if (!spec?.holderIdentity) return undefined;
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? "");
  const expired = Number.isFinite(renewed) && now > renewed + (spec.leaseDurationSeconds ?? 30) * 1000;
  return { holder: spec.holderIdentity, since: spec.acquireTime ?? "", expired };
}

interface PodSpecHolder {
  spec?: {
    template?: { spec?: { containers?: { name?: string; image?: string }[] } };
    jobTemplate?: { spec?: { template?: { spec?: { containers?: { name?: string; image?: string }[] } } } };
  };
}

/** The image digest a workload runs, when it is pinned by digest. */
export function digestOf(workload: KubernetesObject | undefined): string | undefined {
  const spec = (workload as PodSpecHolder | undefined)?.spec;
  const containers = spec?.template?.spec?.containers ?? spec?.jobTemplate?.spec?.template?.spec?.containers;
  const image = containers?.[0]?.image ?? "";
  const at = image.indexOf("@");
  return at >= 0 ? image.slice(at + 1) : undefined;
}

/** sha256:0123456789ab… as the page shows it. */
export const shortDigest = (digest: string | undefined): string | undefined =>
  digest ? digest.replace(/^sha256:/, "").slice(0, 12) : undefined;

/** Controllers that write their own fields (the revision annotation): not someone's hand edit. */
const expectedManagers = new Set([fieldManager, replicasHandoverManager, "kube-controller-manager"]);

/**
 * A hand edit, cheaply: a field manager other than Slipway's (and the controllers') that
 * changed the object's spec or metadata, as managedFields record it. `slipway drift` compares
 * field by field; this is the signal a page can afford for every cell.
 */
export function foreignEdits(object: KubernetesObject): { manager: string; at?: string }[] {
  const entries =
    (
      object.metadata as
        | { managedFields?: { manager?: string; operation?: string; subresource?: string; time?: string }[] }
        | undefined
    )?.managedFields ?? [];
  return entries
    .filter((e) => !e.subresource && e.manager && !expectedManagers.has(e.manager))
    .map((e) => ({ manager: e.manager ?? "", ...(e.time ? { at: e.time } : {}) }));
}
