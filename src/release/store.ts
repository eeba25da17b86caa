import { canarySummary } from "../canary/record.ts";
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import type { KubernetesObject, V1Secret } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";
import { collectionPath, metadataOnlyAccept } from "../clients/kubernetes/resources.ts";
import { ReleaseExists, ReleaseNotFound } from "./errors.ts";
import { hashCanonical } from "./hash.ts";
import { failureLine, type ReleaseRecord, type ReleaseStatus, type ReleaseSummary } from "./record.ts";

const recordLabel = "slipway.dev/record";
const serviceLabel = "slipway.dev/service";
const revisionLabel = "slipway.dev/revision";
const statusLabel = "slipway.dev/status";
const partsAnnotation = "slipway.dev/parts";
/** Which write the parts belong to: parts are never overwritten, so a torn write tears nothing. */
const generationAnnotation = "slipway.dev/parts-generation";
const summaryAnnotation = "slipway.dev/summary";

/**
 * Compressed chunks stay well under the API's 1 MiB object limit (etcd's request limit is
 * 1.5 MiB; Secrets are capped at 1 MiB): a large release spreads over several Secrets.
 */
export const chunkBytes = 512 * 1024;

/** Selects the main Secret of every release record (not their parts). */
export const releaseSelector = `${recordLabel}=release`;

/**
 * A release's summary from its Secret's metadata (a LIST or watch of metadata only is enough),
 * or undefined for a Secret that is not a release record.
 */
export function summaryOf(object: {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
}): ReleaseSummary | undefined {
  const text = object.metadata?.annotations?.[summaryAnnotation];
  return text ? (JSON.parse(text) as ReleaseSummary) : undefined;
}

/**
 * Release records in the service's namespace, one Secret per revision (plus part Secrets
 * for large ones), gzip-compressed, labelled so history is one LIST of metadata.
 */
export class ReleaseStore {
  constructor(
    private readonly cluster: Cluster,
    private readonly namespace: string,
    private readonly keep = 10,
  ) {}

  private name(service: string, revision: number, part = 0, generation = ""): string {
    return `slipway.release.${service}.v${revision}${part ? `.part${part}${generation ? `.${generation}` : ""}` : ""}`;
  }

  /** Every release's summary in the namespace, newest revision first per service. Metadata only. */
  async summaries(service?: string): Promise<ReleaseSummary[]> {
    const selector = `${recordLabel}=release${service ? `,${serviceLabel}=${service}` : ""}`;
    const list = await this.cluster.request<{
      items: { metadata: { annotations?: Record<string, string>; labels?: Record<string, string> } }[];
    }>({
      method: "GET",
      path: collectionPath("Secret", this.namespace),
      query: { labelSelector: selector },
      // Only metadata: history must not download every payload.
      headers: { accept: metadataOnlyAccept },
    });
    return list.items
      .map(summaryOf)
      .filter((s): s is ReleaseSummary => s !== undefined)
      .sort((a, b) =>
        a.service === b.service ? b.revision - a.revision : a.service.localeCompare(b.service),
      );
  }

  async get(service: string, revision: number): Promise<ReleaseRecord> {
    const main = await this.readSecret(this.name(service, revision));
    if (!main) throw new ReleaseNotFound(service, revision);
    const parts = Number(main.metadata?.annotations?.[partsAnnotation] ?? "1");
    const generation = main.metadata?.annotations?.[generationAnnotation] ?? "";
    const chunks = [Buffer.from(main.data?.release ?? "", "base64")];
    for (let part = 1; part < parts; part++) {
      const secret = await this.readSecret(this.name(service, revision, part, generation));
      if (!secret) throw new Error(`release ${service} v${revision} is missing part ${part} of ${parts}`);
      chunks.push(Buffer.from(secret.data?.release ?? "", "base64"));
    }
    return JSON.parse(gunzipSync(Buffer.concat(chunks)).toString("utf8")) as ReleaseRecord;
  }

  /** The newest release whose status is one of `statuses`. */
  async latest(service: string, statuses: readonly ReleaseStatus[]): Promise<ReleaseRecord | undefined> {
    const summary = (await this.summaries(service)).find((s) => statuses.includes(s.status));
    return summary ? this.get(service, summary.revision) : undefined;
  }

  async create(record: ReleaseRecord): Promise<void> {
    await this.write(record, "create");
  }

  async update(record: ReleaseRecord): Promise<void> {
    await this.write(record, "update");
  }

  /**
   * Keeps the newest `keep` revisions of a service (never the deployed one). `known`: how many
   * revisions the caller read it has, under the lock; no more than `keep` is nothing to trim, found
   * without a LIST (a LIST per service that grows with the namespace).
   */
  async trim(service: string, known?: number): Promise<number> {
    if (known !== undefined && known <= this.keep) return 0;
    const summaries = await this.summaries(service);
    const deployed = summaries.find((s) => s.status === "deployed")?.revision;
    const old = summaries.slice(this.keep).filter((s) => s.revision !== deployed && s.status !== "pending");
    if (old.length) {
      const gone = new Set(old.map((s) => String(s.revision)));
      // Parts included: every Secret of those revisions, found by label.
      const secrets = await this.cluster.list("Secret", this.namespace, `${serviceLabel}=${service}`);
      for (const secret of secrets.items) {
        if (gone.has(secret.metadata?.labels?.[revisionLabel] ?? ""))
          await this.cluster.delete("Secret", secret.metadata?.name ?? "", this.namespace);
      }
    }
    return old.length;
  }

  private async readSecret(name: string): Promise<V1Secret | undefined> {
    return (await this.cluster.get("Secret", name, this.namespace)) as V1Secret | undefined;
  }

  /**
   * A record too large for one Secret is written in parts under names of their own per write
   * (its generation), then the main Secret that points at them, then the parts of earlier
   * writes are removed. A write torn anywhere leaves the previous record readable: the main
   * Secret is replaced in one request, and the parts it names are never overwritten.
   */
  private async write(record: ReleaseRecord, mode: "create" | "update"): Promise<void> {
    const { chunks, generation } = await this.writeParts(record);
    await this.writeMain(record, chunks, generation, mode);
    const key = `${record.service}/${record.revision}`;
    // A deploy writes its record once per step: no LIST while it is known to have no parts.
    if (chunks.length === 1 && (mode === "create" || this.withoutParts.has(key))) {
      this.withoutParts.add(key);
      return;
    }
    await this.removeStaleParts(record, generation);
    if (chunks.length === 1) this.withoutParts.add(key);
    else this.withoutParts.delete(key);
  }

  /** Revisions this store wrote as one Secret, and whose other parts it removed (or never made). */
  private readonly withoutParts = new Set<string>();

  /**
   * The first half of a write: the parts after the first, each a Secret named for this write's
   * generation. Until the main Secret names them, readers still read the previous record.
   */
  async writeParts(record: ReleaseRecord): Promise<{ chunks: Buffer[]; generation: string }> {
    const compressed = gzipSync(Buffer.from(JSON.stringify(record), "utf8"));
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < compressed.length || chunks.length === 0; offset += chunkBytes)
      chunks.push(compressed.subarray(offset, offset + chunkBytes));
    const generation =
      chunks.length > 1 ? createHash("sha256").update(compressed).digest("hex").slice(0, 10) : "";
    for (let part = 1; part < chunks.length; part++)
      await this.cluster.apply(this.secret(record, part, generation, chunks), { force: true });
    return { chunks, generation };
  }

  private async writeMain(
    record: ReleaseRecord,
    chunks: readonly Buffer[],
    generation: string,
    mode: "create" | "update",
  ): Promise<void> {
    const main = this.secret(record, 0, generation, chunks);
    try {
      if (mode === "create") await this.cluster.create(main);
      else await this.cluster.apply(main, { force: true });
    } catch (error) {
      if (error instanceof KubernetesApiError && error.status === 409 && mode === "create")
        throw new ReleaseExists(record.service, record.revision);
      throw error;
    }
  }

  /** Parts of this revision that the main Secret no longer names: left by earlier or torn writes. */
  private async removeStaleParts(record: ReleaseRecord, generation: string): Promise<void> {
    const parts = await this.cluster.list(
      "Secret",
      this.namespace,
      `${recordLabel}=release-part,${serviceLabel}=${record.service},${revisionLabel}=${record.revision}`,
    );
    for (const part of parts.items)
      if ((part.metadata?.annotations?.[generationAnnotation] ?? "") !== generation || !generation)
        await this.cluster.delete("Secret", part.metadata?.name ?? "", this.namespace);
  }

  private secret(
    record: ReleaseRecord,
    part: number,
    generation: string,
    chunks: readonly Buffer[],
  ): V1Secret & KubernetesObject {
    const summary: ReleaseSummary = {
      service: record.service,
      revision: record.revision,
      version: record.version,
      status: record.status,
      deployedBy: record.deployedBy,
      startedAt: record.startedAt,
      ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
      description: record.description,
      objectsHash: record.objectsHash,
      callsHash: hashCanonical(record.calls),
      ...(record.overrides?.length ? { overrides: record.overrides } : {}),
      ...(record.breakGlass ? { breakGlass: record.breakGlass } : {}),
      ...(record.parameters && Object.keys(record.parameters).length
        ? { parameters: record.parameters }
        : {}),
      ...(record.failure ? { failure: failureLine(record.failure) } : {}),
      ...(record.promotion ? { promotion: record.promotion } : {}),
      ...(record.canary ? { canary: canarySummary(record.canary) } : {}),
    };
    return {
      apiVersion: "v1",
      kind: "Secret",
      type: "slipway.dev/release",
      metadata: {
        name: this.name(record.service, record.revision, part, generation),
        namespace: this.namespace,
        labels: {
          "app.kubernetes.io/managed-by": "slipway",
          [recordLabel]: part === 0 ? "release" : "release-part",
          [serviceLabel]: record.service,
          [revisionLabel]: String(record.revision),
          ...(part === 0 ? { [statusLabel]: record.status } : {}),
        },
        annotations: {
          [generationAnnotation]: generation,
          ...(part === 0
            ? { [partsAnnotation]: String(chunks.length), [summaryAnnotation]: JSON.stringify(summary) }
            : {}),
        },
      },
      data: { release: (chunks[part] ?? Buffer.alloc(0)).toString("base64") },
    };
  }
}
