import { randomBytes } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";

/** One service of a promotion: exactly what the earlier environment runs, as it was requested. */
export interface PromotedService {
  readonly service: string;
  readonly version: string;
  /** The image digest the earlier environment runs, and the promotion deploys. */
  readonly digest: string;
  /** The earlier environment's deployed revision that runs it. */
  readonly fromRevision: number;
  /** The target's deployed revision when requested (0: none yet). */
  readonly toRevision: number;
  /** The hash of the objects the target's plan rendered: its definitions and parameters then. */
  readonly objectsHash: string;
}

export type PromotionState = "pending" | "deployed" | "failed";

/**
 * A promotion asked for by one person and waiting for others' approval, kept in the target
 * environment's namespace so every machine and the dashboard see the same requests.
 */
export interface PromotionRequest {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly services: readonly PromotedService[];
  /** The requester as the target's API server names them: never an approver of their own request. */
  readonly requestedBy: string;
  readonly requestedAt: string;
  /** The plan for the target as the requester saw it (plain text), for approvers to read. */
  readonly plan: string;
  readonly approvals: readonly { readonly by: string; readonly at: string }[];
  readonly state: PromotionState;
  /** What the approved deploy did (revisions, or why it failed). */
  readonly outcome?: string;
}

/** What the release record keeps of the promotion that deployed it. */
export interface PromotionOnRecord {
  readonly id: string;
  readonly from: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly approvedBy: readonly string[];
}

const label = "slipway.dev/promotion-to";
const dataKey = "promotion.json";
const objectName = (id: string): string => `slipway.promotion.${id}`;

/** `p-20261206-0312-a1b2`: sortable by time, unique enough to type. */
export const newPromotionId = (now = new Date()): string =>
  `p-${now.toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-")}-${randomBytes(2).toString("hex")}`;

/**
 * The requests of one environment, one ConfigMap each (not managed-by Slipway's deploys: a
 * prune must never remove them). Updates carry the resourceVersion they read, so two approvers
 * at once cannot both count: one is refused and tries again.
 */
export class PromotionStore {
  constructor(
    private readonly cluster: Cluster,
    private readonly namespace: string,
    private readonly environment: string,
  ) {}

  async create(request: PromotionRequest): Promise<void> {
    await this.cluster.create(this.object(request));
  }

  /** The request and the version it was read at, or undefined. */
  async get(id: string): Promise<{ request: PromotionRequest; resourceVersion: string } | undefined> {
    const object = await this.cluster.get("ConfigMap", objectName(id), this.namespace);
    const request = object ? parse(object) : undefined;
    return request && object
      ? { request, resourceVersion: object.metadata?.resourceVersion ?? "" }
      : undefined;
  }

  /** Every request to this environment, newest first. */
  async list(): Promise<PromotionRequest[]> {
    const { items } = await this.cluster.list("ConfigMap", this.namespace, `${label}=${this.environment}`);
    return items.flatMap((o) => parse(o) ?? []).sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
  }

  /** Replaces the request if nobody changed it since `resourceVersion`; false when someone did. */
  async update(request: PromotionRequest, resourceVersion: string): Promise<boolean> {
    const object = this.object(request);
    try {
      await this.cluster.replace({ ...object, metadata: { ...object.metadata, resourceVersion } });
      return true;
    } catch (error) {
      if (error instanceof KubernetesApiError && error.status === 409) return false;
      throw error;
    }
  }

  private object(request: PromotionRequest): KubernetesObject & { data: Record<string, string> } {
    return {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: objectName(request.id),
        namespace: this.namespace,
        labels: { [label]: this.environment, "slipway.dev/promotion-state": request.state },
      },
      data: { [dataKey]: JSON.stringify(request, null, 2) },
    };
  }
}

function parse(object: KubernetesObject): PromotionRequest | undefined {
  const text = (object as { data?: Record<string, string> }).data?.[dataKey];
  try {
    return text ? (JSON.parse(text) as PromotionRequest) : undefined;
  } catch {
    return undefined;
  }
}
