import type { KubernetesObject } from "@kubernetes/client-node";
import type { ReleaseRecord } from "../release/record.ts";
import type { ReleaseStore } from "../release/store.ts";

/**
 * Full release records, read again only when their Secret changed: the metadata-only watch
 * gives each Secret's resourceVersion, so a record is downloaded once per revision it has.
 * Shared by the timelines and the live deploy view.
 */
export class ReleaseRecordCache {
  private readonly records = new Map<string, ReleaseRecord>();

  /** `secrets`: the watched release Secrets of the environment; `store` reads a changed one. */
  async get(
    environment: string,
    secrets: readonly KubernetesObject[],
    store: ReleaseStore,
    service: string,
    revision: number,
  ): Promise<ReleaseRecord> {
    const secret = secrets.find(
      (s) =>
        s.metadata?.labels?.["slipway.dev/service"] === service &&
        s.metadata?.labels?.["slipway.dev/revision"] === String(revision),
    );
    const prefix = `${environment}/${service}/${revision}/`;
    const key = `${prefix}${secret?.metadata?.resourceVersion ?? ""}`;
    const known = this.records.get(key);
    if (known) return known;
    const found = await store.get(service, revision);
    // Only the newest version of each record is kept.
    for (const k of this.records.keys()) if (k.startsWith(prefix)) this.records.delete(k);
    this.records.set(key, found);
    return found;
  }
}
